"""Running the dashboard for tools: ``streamlit run app.py`` on a free localhost port, and the
Chromium flags this machine needs.  Used by the browser tests and the browser benchmark.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Debian's Chromium, headless, as root, with no background traffic (the network is closed here).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_TIMEOUT_S = 60.0


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
                  timeout: float = STARTUP_TIMEOUT_S, pids: list[int] | None = None) -> Iterator[str]:
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
    if pids is not None:
        pids.append(proc.pid)  # for callers that measure the server (memory)
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
