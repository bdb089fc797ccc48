"""The dashboard where a user feels it: headless Chromium against ``streamlit run app.py``.

``python -m benchmarks dashboard-browser [--rows N] [--steps K]`` measures, for the seed data and a
synthetic folder of N records (``python -m geo synthetic``):

* ``cold_start_s``: server started with no record cache → first map painted in the browser (the
  baseline: what every start cost before the per-file record cache);
* ``warm_start_s``: a new server on the same folder, its record cache kept → first map painted;
* ``step_median_s`` / ``step_p90_s``: click ▶ → caption updated and a new map painted;
* ``bytes_per_step``: websocket bytes the browser received per step;
* ``rss_mb``: the server's resident memory after the steps.

Chromium is Debian's (``/usr/bin/chromium``), every non-localhost request is aborted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._report import bench
from dashboard.serve import CHROMIUM_ARGS, REPO_ROOT, streamlit_app

CHROMIUM = "/usr/bin/chromium"
_IFRAME = 'iframe[title*="st_folium"]'
_CAPTION = "() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')].map(e => e.innerText).join('|')"
_TIMEOUT_MS = 600_000


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _map_frame(page: Any) -> Any:
    handle = page.wait_for_selector(_IFRAME, timeout=_TIMEOUT_MS)
    return handle.content_frame()


_REDRAWN = """() => {
    const paths = [...document.querySelectorAll('path.da-record, path.da-bin')];
    if (!document.querySelector('.leaflet-container') || !paths.length || paths.some(p => p.dataset.benchSeen)) {
        return false;
    }
    paths.forEach(p => { p.dataset.benchSeen = '1'; });
    return true;
}"""


def _painted(page: Any, *, settle_s: float | None = None) -> bool:
    """Wait until the map shows no record shape drawn before (st_folium redraws in place: the old
    shapes are removed and new ones added), then mark the new ones for the next wait.

    With ``settle_s`` (after a rerun whose caption already changed), a map that keeps its shapes
    that long had nothing to redraw (the same records are in view).
    """
    start = time.monotonic()
    deadline = start + _TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        try:
            if _map_frame(page).evaluate(_REDRAWN):
                return True
        except Exception:  # the iframe is being built
            pass
        if settle_s is not None and time.monotonic() - start > settle_s:
            return False
        time.sleep(0.01)
    raise TimeoutError("the map was not painted")


def _start_and_paint(browser: Any, env: dict[str, str]) -> tuple[float, Any, Any, int, list[int]]:
    """Start the server, open the page, wait for the first map; returns seconds from server start."""
    t0 = time.perf_counter()
    pids: list[int] = []
    server = streamlit_app(env=env, timeout=_TIMEOUT_MS / 1000, pids=pids)
    url = server.__enter__()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:",
                                                                                       "blob:", "about:"))
                  else route.abort())
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload))))
    page.goto(url, timeout=_TIMEOUT_MS)
    _painted(page)
    return time.perf_counter() - t0, server, page, received, pids


def _change(page: Any, act: Any) -> None:
    """Do ``act`` and wait until the page's caption says the rerun is done."""
    before = page.evaluate(_CAPTION)
    act()
    page.wait_for_function(f"(old) => ({_CAPTION})() !== old", arg=before, timeout=_TIMEOUT_MS, polling="raf")


def _narrow_window(page: Any) -> None:
    """A window of about a seventh of the span stepping by a year, so each ▶ changes what is drawn (at the
    full span ◀/▶ cannot move, and a month's step may leave the same records in view)."""
    def press(label: str, key: str, times: int) -> None:
        page.locator(f'input[aria-label="Time window — {label}"]').focus()
        for _ in range(times):
            page.keyboard.press(key)
        page.keyboard.press("Tab")

    _change(page, lambda: press("end", "PageDown", 8))  # each PageDown is a tenth of the span
    _painted(page, settle_s=2.0)
    _change(page, lambda: press("start", "PageUp", 1))
    _painted(page, settle_s=2.0)
    page.get_by_label("Step").click()
    page.get_by_role("option", name="year").click()
    page.wait_for_timeout(2_000)  # the step is not in the caption: give the rerun time to finish


def _steps(page: Any, received: list[int], count: int) -> tuple[list[float], float]:
    times, start_bytes = [], received[0]
    button = page.get_by_role("button", name="▶")
    for _ in range(count):
        t0 = time.perf_counter()
        _change(page, button.click)
        answered = time.perf_counter()
        redrawn = _painted(page, settle_s=5.0)
        # Nothing to redraw (the same records stayed in view): the step was done when the page answered.
        times.append((time.perf_counter() if redrawn else answered) - t0)
    return times, (received[0] - start_bytes) / max(count, 1)


def _measure(browser: Any, name: str, env: dict[str, str], steps: int) -> None:
    cold, server, page, received, pids = _start_and_paint(browser, env)
    try:
        _narrow_window(page)
        times, per_step = _steps(page, received, steps)
        rss = _rss_mb(pids[0])
    finally:
        page.context.close()
        server.__exit__(None, None, None)
    warm, server, page, _, _ = _start_and_paint(browser, env)
    page.context.close()
    server.__exit__(None, None, None)
    ordered = sorted(times)
    bench("dashboard_browser", f"{name}.cold_start_s", cold)  # baseline: no record cache
    bench("dashboard_browser", f"{name}.warm_start_s", warm)
    bench("dashboard_browser", f"{name}.step_median_s", statistics.median(times))
    bench("dashboard_browser", f"{name}.step_p90_s", ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))])
    bench("dashboard_browser", f"{name}.bytes_per_step", per_step)
    bench("dashboard_browser", f"{name}.rss_mb", rss)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dashboard-browser")
    parser.add_argument("--rows", type=int, default=20_000, help="synthetic records (100000 for the issue's figure)")
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="desert-atlas-browser-bench-") as tmp:
        big = Path(tmp) / "big"
        subprocess.run([sys.executable, "-m", "geo", "synthetic", "--rows", str(args.rows), "--out", str(big)],
                       check=True, capture_output=True, cwd=REPO_ROOT)
        home = Path(tmp) / "home"
        base = {"DESERT_ATLAS_HOME": str(home), "DESERT_ATLAS_REPORTS": str(Path(tmp) / "no-texts"),
                "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        seed = Path(tmp) / "seed"
        shutil.copytree(REPO_ROOT / "data", seed, ignore=shutil.ignore_patterns("local"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                _measure(browser, "seed", {**base, "DESERT_ATLAS_DATA": str(seed)}, args.steps)
                _measure(browser, f"rows_{args.rows}", {**base, "DESERT_ATLAS_DATA": str(big)}, args.steps)
            finally:
                browser.close()
    return 0
