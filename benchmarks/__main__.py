"""``python -m benchmarks NAME [ARGS...]``: run ``benchmarks/NAME.py``'s ``main()``."""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Benchmark module names (every public module of this package)."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                  if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = available()
    if argv:
        argv = [argv[0].replace("-", "_"), *argv[1:]]  # dashboard-browser runs dashboard_browser.py
    if not argv or argv[0] not in names:
        given = f"unknown benchmark {argv[0]!r}; " if argv else ""
        print(f"python -m benchmarks: error: {given}choose one of: {', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"benchmarks.{argv[0]}")
    sys.argv = [f"benchmarks.{argv[0]}", *argv[1:]]
    return int(module.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
