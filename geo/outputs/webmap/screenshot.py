"""``python -m geo render --browser``: the dashboard's interactive map, photographed in Chromium.

For readers who want the web look rather than the print layout: the same offline folium map the
dashboard shows (:func:`geo.outputs.webmap.mapping.build_map`, filtered the same way) is written to a temporary
HTML file, opened in Debian's headless Chromium through the ``playwright`` package with every
non-local request refused, and screenshotted.  Browser rendering is not byte-reproducible; the
matplotlib renderer (:mod:`geo.outputs.static.render`) is the one to use when identical files matter.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Debian's Chromium (``apt-get install chromium``); never a browser downloaded by playwright.
CHROMIUM = Path(os.environ.get("DESERT_ATLAS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Height of the screenshot relative to its width.
ASPECT = 0.72
TIMEOUT_S = 60.0


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "blob:", "about:"))


def screenshot(out: Path | str, *, start: Any = None, end: Any = None, actors: Sequence[str] | None = None,
               kinds: Sequence[str] | None = None, width: int = 1600, data_dir: Path | None = None,
               timeout_s: float = TIMEOUT_S) -> Path:
    """Write a PNG screenshot of the dashboard map of the filtered records to ``out``."""
    from geo.store.atomic import staged
    from geo.outputs.static.render import RenderError, check_output_path

    path, fmt = check_output_path(out)
    if fmt != "png":
        raise RenderError(f"{path}: --browser writes PNG screenshots only")
    if not CHROMIUM.exists():
        raise RenderError(f"--browser needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RenderError("--browser needs the Python package playwright (pip install playwright)") from exc

    from geo.core.gazetteer_access import get_gazetteer
    from geo.store import load_dataset
    from geo.core.filtering import filter_records
    from geo.outputs.webmap.mapping import background_geojson, build_map

    dataset = load_dataset(data_dir)
    unknown = [a for a in actors or () if a not in dataset.actors]
    if unknown:
        raise RenderError(f"unknown actor {', '.join(map(repr, unknown))} (known: {', '.join(sorted(dataset.actors))})")
    frame = filter_records(dataset.frame, start=start, end=end, actors=actors or None, kinds=kinds or None)
    folium_map = build_map(frame, zones=dataset.zones, background=background_geojson(get_gazetteer()),
                           actors=dataset.actors, reports=dataset.reports)
    height = int(round(width * ASPECT))
    with tempfile.TemporaryDirectory(prefix="desert-atlas-browser-") as tmp:
        page_path = Path(tmp) / "map.html"
        folium_map.save(str(page_path))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": int(width), "height": height})
                    # Offline by construction: anything but the local page and its inline data is refused.
                    page.route("**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort())
                    page.goto(page_path.as_uri(), timeout=timeout_s * 1000)
                    page.wait_for_selector(".leaflet-container", timeout=timeout_s * 1000)
                    page.wait_for_timeout(800)  # let Leaflet finish drawing its vector layers
                    png = page.screenshot(full_page=False)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise RenderError(f"--browser: Chromium failed: {str(exc).splitlines()[0]}") from exc
    with staged() as st:
        st.temp_for(path).write_bytes(png)
    return path
