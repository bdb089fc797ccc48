"""Command line: ``python -m gazetteer resolve|import-boundaries|import-geonames``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import GazetteerError


def _print(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _resolve(args: argparse.Namespace) -> int:
    from .gazetteer import build
    from .online import OnlineGeocoder

    gz = build(online=OnlineGeocoder() if args.online else None)
    if args.jsonl:
        for n, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)
                if not isinstance(q, dict) or not isinstance(q.get("name"), str):
                    raise ValueError('expected an object with a string "name"')
            except ValueError as exc:
                _print({"query": line.strip(), "resolved": False, "error": f"stdin line {n}: {exc}"})
                continue
            _print(gz.resolve(q["name"], context=q.get("context"), online=args.online).to_dict())
        return 0
    if not args.name:
        print("gazetteer resolve: give a NAME or --jsonl", file=sys.stderr)
        return 2
    res = gz.resolve(args.name, context=args.context, online=args.online)
    out = res.to_dict()
    if gz.boundaries is None:
        out["boundaries"] = "none imported: governorate footprints are approximate extents"
    _print(out)
    return 0 if res.resolved else 1


def _import_boundaries(args: argparse.Namespace) -> int:
    from .importers import import_boundaries

    names = import_boundaries(Path(args.file), source=args.source)
    print(f"imported {len(names)} governorate boundaries from {args.file}")
    return 0


def _import_geonames(args: argparse.Namespace) -> int:
    from .importers import import_geonames

    n = import_geonames(Path(args.dump), Path(args.alternate_names) if args.alternate_names else None)
    print(f"imported {n} GeoNames places from {args.dump}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gazetteer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("resolve", help="resolve a place name or relative phrase to JSON")
    p.add_argument("name", nargs="?", help='e.g. "Albu Kamal" or "30 km from the 55 km zone"')
    p.add_argument("--context", help='e.g. "Deir ez-Zor" or "eastern countryside of Homs"')
    p.add_argument("--jsonl", action="store_true", help='read {"name":..., "context":...} lines from stdin')
    p.add_argument("--online", action="store_true", help="allow the online geocoder (Nominatim) as a fallback")
    p.set_defaults(func=_resolve)
    p = sub.add_parser("import-boundaries", help="load an admin-1 boundaries file (OCHA COD-AB, geoBoundaries)")
    p.add_argument("file")
    p.add_argument("--source", help="attribution to show, e.g. 'OCHA COD-AB v02, CC BY 3.0 IGO'")
    p.set_defaults(func=_import_boundaries)
    p = sub.add_parser("import-geonames", help="build the extended gazetteer from a GeoNames country dump")
    p.add_argument("dump", help="e.g. SY.txt from the GeoNames export")
    p.add_argument("alternate_names", nargs="?", help="alternateNamesV2.txt (optional)")
    p.set_defaults(func=_import_geonames)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GazetteerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
