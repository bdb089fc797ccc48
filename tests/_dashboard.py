"""Plain helpers for the dashboard's tests: fixture data with a hostile record, and a
``streamlit run`` runner on a free localhost port. Fixtures live in ``tests/browser/conftest.py``.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
STARTUP_TIMEOUT_S = 60.0

#: A record whose text tries to run script wherever it meets HTML.
XSS_RECORD: dict[str, Any] = {
    "id": "fx-xss-summary",
    "kind": "strike",
    "subtype": "airstrike",
    "title": "<script>window.__xss_title = 1</script>Strike with a hostile summary",
    "summary": "<img src=x onerror=alert(1)>",
    "actors": ["russia"],
    "place_text": "<b onmouseover=alert(2)>Palmyra</b>",
    "place": "palmyra",
    "date_start": "2021-08-15",
    "sources": [{"report": "fx003"}],
    "confidence": 0.55,
}


def write_dashboard_data(target: Path) -> Path:
    """The shared geo fixture data (``tests/fixtures/geo_data``) plus :data:`XSS_RECORD`, at ``target``."""
    shutil.copytree(FIXTURES / "geo_data", target)
    extra = target / "events" / "zz-dashboard.yaml"
    extra.write_text(yaml.safe_dump([XSS_RECORD], sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"streamlit exited with {proc.returncode} before it was healthy:\n{err[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s")


@contextmanager
def streamlit_app(script: Path | str = REPO_ROOT / "app.py", *, env: dict[str, str] | None = None,
                  timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Run ``streamlit run script`` on a free localhost port; yield its URL; stop it (its group only).

    Runs from the repository root, so ``.streamlit/config.toml`` applies as for a user.
    """
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    # No --browser.gatherUsageStats here: the repo's .streamlit/config.toml must keep the page
    # offline by itself (browser_page records any request that leaves localhost).
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, timeout)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
