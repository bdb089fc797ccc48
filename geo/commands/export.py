"""``python -m geo export``: filtered records to GeoJSON / GeoPackage / KML / CSV."""
from __future__ import annotations

import argparse
import sys

from geo.commands import _args
from geo.errors import FilterError
from geo.core.model import KIND_LAYERS, LAYER_KINDS


def _formats(value: str) -> list[str]:
    from geo.outputs.export.writers import FORMATS

    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    if "all" in items:
        return list(FORMATS)
    bad = [v for v in items if v not in FORMATS]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(map(repr, bad)) or repr(value)} (choose from {', '.join(FORMATS)}, all)")
    return items


def _kind(value: str) -> str:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in KIND_LAYERS and v not in LAYER_KINDS]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"unknown kind {', '.join(map(repr, bad)) or repr(value)} (choose from {', '.join(KIND_LAYERS)})")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export records to GeoJSON, GeoPackage, KML or CSV",
                              description=__doc__)
    p.add_argument("--format", dest="formats", action="append", type=_formats, metavar="FORMAT",
                   help="geojson, gpkg, kml, csv or all (repeatable or comma-separated; default geojson)")
    p.add_argument("--out", required=True, type=_args.output_path, metavar="DIR", help="output folder (created if needed)")
    p.add_argument("--start", type=_args.start_date, help="first day shown (YYYY-MM-DD, YYYY-MM or YYYY)")
    p.add_argument("--end", type=_args.end_date, help="last day shown (YYYY-MM-DD, YYYY-MM or YYYY)")
    p.add_argument("--actor", action="append", metavar="ID", help="actor id (repeatable or comma-separated)")
    p.add_argument("--kind", action="append", type=_kind, metavar="KIND",
                   help="record kind or layer name (repeatable or comma-separated)")
    p.add_argument("--outlet", action="append", metavar="NAME", help="source outlet (repeatable)")
    p.add_argument("--min-confidence", type=_args.unit_interval, metavar="X")
    p.add_argument("--max-geo-precision", type=int, choices=(1, 2, 3), metavar="N",
                   help="keep records located at least this precisely (ACLED 1-3)")
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.store import load_dataset
    from geo.outputs.export.writers import export_dataset

    if args.start and args.end and args.end < args.start:
        raise FilterError(f"--end {args.end} is before --start {args.start}")
    formats = [f for group in (args.formats or [["geojson"]]) for f in group]
    dataset = load_dataset(args.data_dir)
    actors = _args.split_list(args.actor)
    unknown = [a for a in actors or () if a not in dataset.actors]
    if unknown:
        raise FilterError(f"unknown actor {', '.join(map(repr, unknown))} "
                          f"(known: {', '.join(sorted(dataset.actors))})")
    written = export_dataset(
        dataset, args.out, formats, start=args.start, end=args.end, actors=actors,
        kinds=_args.split_list(args.kind), outlets=args.outlet, min_confidence=args.min_confidence,
        max_geo_precision=args.max_geo_precision,
    )
    for path in written:
        print(path)
    print(f"exported {len(written)} file(s) to {args.out}", file=sys.stderr)
    return 0
