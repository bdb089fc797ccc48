"""Printing benchmark figures in the one format CI logs and closing notes quote."""
from __future__ import annotations

import time
from collections.abc import Callable


def bench(name: str, metric: str, value: float) -> None:
    """Print ``BENCH name.metric value`` (floats with 4 significant digits)."""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    print(f"BENCH {name}.{metric} {text}", flush=True)


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` wall-clock runs, in seconds: the least noisy figure on a shared machine."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
