"""``python -m geo synthetic --rows N --out DIR``: a valid data folder of N synthetic records.

For demos and benchmarks at scale: the records go through the same loading, place resolution and
validation as real data (see :func:`geo.synthetic.write_data_folder`).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from geo.commands import _args
from geo.errors import GeoError


def _rows(value: str) -> int:
    try:
        rows = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= rows <= 5_000_000:
        raise argparse.ArgumentTypeError(f"{rows} is outside 1..5000000")
    return rows


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("synthetic", help="write a valid data folder of synthetic records",
                              description=__doc__)
    p.add_argument("--rows", type=_rows, required=True, help="number of records")
    p.add_argument("--out", type=_args.output_path, required=True, help="folder to create (must not hold a data folder yet)")
    p.add_argument("--seed", type=int, default=0, help="random seed (the same seed gives the same folder)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.synthetic import write_data_folder

    out: Path = args.out
    if (out / "events").exists() or (out / "actors.yaml").exists():
        raise GeoError(f"{out} already holds a data folder; choose a new --out")
    written = write_data_folder(out, rows=args.rows, seed=args.seed)
    print(f"wrote {written} synthetic records to {out} (use DESERT_ATLAS_DATA={out})")
    return 0
