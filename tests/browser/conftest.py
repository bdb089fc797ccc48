"""Real-browser fixtures: ``streamlit run app.py`` on a free localhost port, Debian's Chromium, no network.

Reusable by any page of the app (e.g. ``pages/review.py``):

* ``dashboard_data_dir`` — a data folder (the shared geo fixture plus a record whose title and
  summary are HTML/script injections), loaded by the app through ``$DESERT_ATLAS_DATA``;
* ``app_url`` — the running app's base URL (one server per session; ``DESERT_ATLAS_HOME`` points
  at an empty temp folder so the user's imported boundaries or caches never leak in);
* ``browser`` — Chromium launched as ``common.md`` says; a missing ``/usr/bin/chromium`` FAILS
  the run when ``CI`` is set and skips only outside CI;
* ``browser_page`` — a fresh page whose every non-localhost request is aborted and recorded in
  ``page_log`` (with dialogs, page errors and console errors), so a test proves offline operation;
* ``leaflet`` — helpers to find the st_folium iframe and count what Leaflet drew.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from _requires import CHROMIUM, require

from _dashboard import (CHROMIUM_ARGS, FIXTURES, LOCAL_HOSTS, LOCAL_SCHEMES, REPO_ROOT, XSS_RECORD,
                        streamlit_app, write_dashboard_data)


@pytest.fixture(scope="session")
def dashboard_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dashboard_data(tmp_path_factory.mktemp("dashboard") / "data")


@pytest.fixture(scope="session")
def xss_record() -> dict[str, Any]:
    """The injected record of ``dashboard_data_dir`` (its title/summary must show literally)."""
    return dict(XSS_RECORD)


@pytest.fixture(scope="session")
def dashboard_dataset(dashboard_data_dir: Path) -> Any:
    """``dashboard_data_dir`` loaded in the test process (to compute what the page should show)."""
    from geo.store import load_dataset

    return load_dataset(dashboard_data_dir, reports_dirs=[FIXTURES / "geo_reports"])


@pytest.fixture(scope="session")
def app_env(dashboard_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of the app under test: test data, fixture report texts, an empty user home."""
    home = tmp_path_factory.mktemp("atlas-home")
    return {"DESERT_ATLAS_DATA": str(dashboard_data_dir),
            "DESERT_ATLAS_REPORTS": str(FIXTURES / "geo_reports"),
            "DESERT_ATLAS_HOME": str(home),
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}


@pytest.fixture(scope="session")
def app_url(app_env: dict[str, str]) -> Iterator[str]:
    """Base URL of ``streamlit run app.py`` serving the test data (one server per session)."""
    with streamlit_app(env=app_env) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require(CHROMIUM, "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLog:
    """What a page tried to do: every request, those blocked (non-local), dialogs and errors."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def browser_page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A 1400×900 page in a fresh context that cannot reach anything but localhost."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    def route(route: Any) -> None:
        url = route.request.url
        page_log.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            page_log.blocked.append(url)
            route.abort()

    def on_dialog(dialog: Any) -> None:
        page_log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: page_log.page_errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and page_log.console_errors.append(msg.text))
    try:
        yield page
    finally:
        context.close()


class Leaflet:
    """Finding the st_folium map in a Streamlit page and counting what Leaflet drew."""

    IFRAME = 'iframe[title*="st_folium"]'
    RECORD = "path.da-record"
    BIN = "path.da-bin"

    def __init__(self, timeout_s: float = 45.0) -> None:
        self.timeout_ms = int(timeout_s * 1000)

    def frame(self, page: Any) -> Any:
        """The map iframe's ``Frame`` (for ``evaluate``), once Leaflet has built its container."""
        page.wait_for_selector('[data-testid="stApp"]', timeout=self.timeout_ms)
        handle = page.wait_for_selector(self.IFRAME, timeout=self.timeout_ms)
        frame = handle.content_frame()
        frame.wait_for_selector(".leaflet-container", timeout=self.timeout_ms)
        return frame

    def count(self, page: Any, selector: str = RECORD) -> int:
        return self.frame(page).locator(selector).count()

    def wait_count(self, page: Any, predicate: Any, selector: str = RECORD) -> int:
        """Poll until ``predicate(count)`` holds (the map redraws asynchronously after a rerun)."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        count = -1
        while time.monotonic() < deadline:
            try:
                count = self.count(page, selector)
            except Exception:  # the iframe may be mid-update
                count = -1
            if count >= 0 and predicate(count):
                return count
            time.sleep(0.25)
        raise AssertionError(f"map feature count never satisfied the condition (last count {count})")


@pytest.fixture
def leaflet() -> Leaflet:
    return Leaflet()
