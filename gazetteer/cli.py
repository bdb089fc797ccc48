"""Command line: ``python -m gazetteer resolve|import-boundaries|import-places|import-geonames|sources|remove-source``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import GazetteerError


def _print(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _resolve(args: argparse.Namespace) -> int:
    from .building import build
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
    from .geonames import import_geonames

    info = import_geonames(Path(args.dump), Path(args.alternate_names) if args.alternate_names else None,
                           country=args.country, source=args.source)
    print(f"imported {info.count} GeoNames places from {args.dump} as source {info.name!r} ({info.licence})")
    return 0


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _import_places(args: argparse.Namespace) -> int:
    from .place_files import import_places

    info, skipped = import_places(Path(args.file), layer=args.layer, source=args.source, licence=args.licence,
                                  name_field=args.name_field, alt_name_fields=_split(args.alt_name_fields),
                                  kind_field=args.kind_field, admin_fields=_split(args.admin_field))
    note = f"; {skipped} row(s) without a name skipped" if skipped else ""
    print(f"imported {info.count} places from {args.file} as source {info.name!r} ({info.licence}){note}")
    return 0


def _sources(args: argparse.Namespace) -> int:
    from . import sources
    from .building import build

    gz = build()
    counts: dict[str, int] = {}
    for p in gz.places:
        for label in p.sources or (p.source,):
            counts[label] = counts.get(label, 0) + 1
    rows = [{"name": s.name, "licence": s.licence, "kind": s.kind, "file": s.file, "imported_at": s.imported_at,
             "rows": s.count, "entries": sum(n for label, n in counts.items() if label.startswith(f"{s.name} ("))}
            for s in sources.list_sources()]
    for row in rows:
        _print(row) if args.json else print(
            f"{row['name']}\t{row['rows']} rows, in {row['entries']} entries\t{row['kind']}\t{row['licence']}\t"
            f"{row['file']}\t{row['imported_at']}")
    if not args.json:
        print(f"(built in: {len(gz)} entries in all, of which {sum(1 for p in gz.places if len(p.sources) > 1)} "
              f"merged from several sources; imported files live in {sources.sources_dir()})")
    return 0


def _remove_source(args: argparse.Namespace) -> int:
    from . import sources

    info = sources.remove(args.name)
    print(f"removed source {info.name!r} ({info.count} rows, from {info.file})")
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
    p = sub.add_parser("import-places", help="add a populated-places file (GeoPackage, GeoJSON, Shapefile, CSV)")
    p.add_argument("file", help="e.g. a HOT OpenStreetMap export or an OCHA populated-places table")
    p.add_argument("--layer", help="layer of a multi-layer file (default: the first point layer)")
    p.add_argument("--source", help="name of the source (default: the file name); re-importing it updates it")
    p.add_argument("--licence", help="licence to show with every entry (default: ODbL for OSM exports)")
    p.add_argument("--name-field", help="column of the main name (default: name:en, ADM4_EN, name ...)")
    p.add_argument("--alt-name-fields", help="comma-separated columns of other names (default: name:*, alt_name ...)")
    p.add_argument("--kind-field", help="column of the feature type, e.g. OSM 'place' (default: place, fclass ...)")
    p.add_argument("--admin-field", help="comma-separated admin columns from governorate down (names or p-codes)")
    p.set_defaults(func=_import_places)
    p = sub.add_parser("import-geonames", help="add a GeoNames dump (SY.zip, allCountries.zip) as a source")
    p.add_argument("dump", help="SY.zip / SY.txt, or allCountries.zip with --country")
    p.add_argument("alternate_names", nargs="?", help="alternateNamesV2.zip or .txt (optional)")
    p.add_argument("--country", help="keep this country's rows (default: SY; '' keeps all)")
    p.add_argument("--source", help="name of the source (default: GeoNames)")
    p.set_defaults(func=_import_geonames)
    p = sub.add_parser("sources", help="list the imported sources with their licences and counts")
    p.add_argument("--json", action="store_true", help="one JSON object per source")
    p.set_defaults(func=_sources)
    p = sub.add_parser("remove-source", help="take one imported source out")
    p.add_argument("name", help="the source name `sources` lists")
    p.set_defaults(func=_remove_source)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GazetteerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
