"""``python -m geo validate``: load the data folder and list every problem (exit 1 if any)."""
from __future__ import annotations

import argparse
from collections import Counter

from geo.commands import _args


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check the data files and list every problem",
                              description=__doc__)
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.store import load_dataset

    dataset = load_dataset(args.data_dir)  # DatasetError → listed by geo.cli, exit 1
    kinds = Counter(r.kind for r in dataset.records)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no records"
    print(f"OK: {len(dataset.records)} records ({summary}), {len(dataset.reports)} reports, "
          f"{len(dataset.actors)} actors")
    return 0
