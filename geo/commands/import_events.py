"""``python -m geo import-events FILE --format acled|ged``: bring an ACLED or UCDP GED export in.

The events become records of their own event file (``events/imported-<format>-<name>.yaml``) with
one report entry naming the dataset and its licence; re-importing under the same ``--source-name``
replaces both.  Precision codes become honest footprints and date ranges, event types map to our
kinds through ``event_types.yaml``, actor names to the registry through its aliases (names it does
not know are listed and kept in each record's notes).  A file with bad rows is refused whole,
naming each row, unless ``--skip-bad-rows``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.commands import _args

#: Unknown actor names printed in the summary (the rest are counted).
MAX_ACTORS_SHOWN = 15


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import-events", help="import an ACLED or UCDP GED export as records",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, metavar="FILE", help="the export (CSV with the dataset's documented columns)")
    p.add_argument("--format", required=True, choices=("acled", "ged"), dest="fmt",
                   help="acled (ACLED export) or ged (UCDP Georeferenced Event Dataset)")
    p.add_argument("--source-name", metavar="NAME",
                   help="names the imported layer, its event file and report entry (default: the file name)")
    p.add_argument("--confidence", type=_args.unit_interval, default=None, metavar="X",
                   help="confidence given to each imported record (default 0.7)")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="import the good rows of a file with bad ones (which are still listed)")
    p.add_argument("--dry-run", action="store_true", help="check and summarise; write nothing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.datasets import import_events
    from geo.datasets.importer import DEFAULT_CONFIDENCE

    summary = import_events(args.file, args.fmt, source_name=args.source_name, data_dir=args.data_dir,
                            confidence=DEFAULT_CONFIDENCE if args.confidence is None else args.confidence,
                            skip_bad_rows=args.skip_bad_rows, dry_run=args.dry_run,
                            progress=not args.no_progress)
    name = summary.file
    if summary.unknown_columns:
        print(f"note: {name}: ignored column(s) not in the {args.fmt} schema: {', '.join(summary.unknown_columns)}")
    for problem in summary.bad_rows:
        print(f"skipped: {problem.line(name)}", file=sys.stderr)
    if summary.bad_rows:
        print(f"{len(summary.bad_row_numbers())} bad row(s) skipped (listed on stderr)")
    if summary.left_out:
        kinds = ", ".join(f"{t} {n}" for t, n in sorted(summary.left_out.items()))
        print(f"left out (event types event_types.yaml maps to no kind): {kinds}")
    if summary.unknown_actors:
        ranked = sorted(summary.unknown_actors.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = "; ".join(f"{a} ({n})" for a, n in ranked[:MAX_ACTORS_SHOWN])
        more = len(ranked) - MAX_ACTORS_SHOWN
        print(f"actors not in the registry (kept in each record's notes; add aliases to actors.yaml): {shown}"
              + (f"; and {more} more" if more > 0 else ""))
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary.kinds.items())) or "none"
    verb = "would import" if not summary.written else "imported"
    print(f"{verb} {summary.imported} of {summary.rows} row(s) ({kinds}) from {name} "
          f"in {summary.seconds:.1f} s" + (f" → {summary.event_file} (report {summary.report_id})"
                                           if summary.written else ""))
    return 0
