"""Loading a large data folder: a fresh process with and without the per-file record cache.

``python -m benchmarks dataset [--rows N]`` writes a synthetic data folder (``python -m geo
synthetic``), then times ``load_dataset`` in new processes: first with an empty cache (the
baseline: parse, resolve and validate every record), then with the cache the first run left (what
a dashboard start costs), then after one of the event files changed (one file validated again).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._report import bench

_LOAD = ("import sys, time; t = time.perf_counter(); from geo.store import load_dataset; "
         "ds = load_dataset(sys.argv[1], reports_dirs=[]); print(time.perf_counter() - t, len(ds.records))")


def _load_in_new_process(folder: Path) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", _LOAD, str(folder)], capture_output=True, text=True, check=True)
    seconds, count = out.stdout.split()
    return float(seconds), int(count)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dataset")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desert-atlas-bench-") as tmp:
        folder = Path(tmp) / "data"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geo", "synthetic", "--rows", str(args.rows), "--out", str(folder)],
                       check=True, capture_output=True)
        bench("dataset", "synthetic_write_s", time.perf_counter() - t0)
        cold, count = _load_in_new_process(folder)
        warm, _ = _load_in_new_process(folder)
        edited = sorted((folder / "events").glob("*.yaml"))[-1]
        edited.write_text(edited.read_text(encoding="utf-8").replace("Synthetic", "Edited synthetic", 1),
                          encoding="utf-8")
        one_changed, _ = _load_in_new_process(folder)
    bench("dataset", "records", count)
    bench("dataset", "load_cold_s", cold)  # the baseline: every record parsed, placed and validated
    bench("dataset", "load_warm_s", warm)
    bench("dataset", "load_one_file_changed_s", one_changed)
    bench("dataset", "warm_speedup", cold / warm)
    return 0
