"""Bringing the user's own files in: admin-1 boundaries and full GeoNames country dumps.

Both write into ``settings.LOCAL_DIR`` (never into git) atomically, and the loader picks them up.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import shapely

from . import _files, loading, settings
from .errors import SourceFileError
from .normalize import normalize

_PCODE = re.compile(r"^SY\d{2}$")
#: Simplification tolerance (degrees, ~100 m): keeps the imported file small and fast to load.
SIMPLIFY_DEG = 0.001


def _write_json(path: Path, data: object) -> None:
    _files.write_text_atomic(path, json.dumps(data, ensure_ascii=False))


def import_boundaries(src: Path, *, source: str | None = None) -> dict[str, str]:
    """Match an admin-1 file's features to governorates (p-code, else name) and store them.

    Returns {p-code: feature name}. Every governorate must be matched exactly once.
    """
    import geopandas as gpd  # lazy: importing boundaries is rare

    try:
        frame = gpd.read_file(src)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SourceFileError(f"{src}: cannot be read as a vector file: {exc}") from exc
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    problems: list[str] = []
    governorates = loading.load_governorates(settings.CURATED_DIR / "governorates.yaml", problems)
    if problems:
        raise SourceFileError("; ".join(problems))
    by_key = {}
    for g in governorates:
        for name in (g.name, *g.aliases):
            by_key.setdefault(normalize(name), g.id)
    from pandas.api.types import is_object_dtype, is_string_dtype

    text_cols = [c for c in frame.columns if c != "geometry"
                 and (is_string_dtype(frame[c].dtype) or is_object_dtype(frame[c].dtype))]
    pcode_cols = [c for c in text_cols if frame[c].astype(str).str.fullmatch(_PCODE).all()]
    matched: dict[str, int] = {}
    names: dict[str, str] = {}
    for row, props in enumerate(frame[text_cols].itertuples(index=False)):
        values = [v for v in props if isinstance(v, str)]
        pcode = next((getattr(props, c) for c in pcode_cols), None) if pcode_cols else None
        if pcode is None:
            pcode = next((by_key[normalize(v)] for v in values if normalize(v) in by_key), None)
        if pcode is None:
            problems.append(f"{src.name}: feature #{row + 1} ({', '.join(values[:3])}): matches no governorate")
            continue
        if pcode in matched:
            problems.append(f"{src.name}: feature #{row + 1}: {pcode} already matched by feature #{matched[pcode] + 1}")
            continue
        matched[pcode] = row
        names[pcode] = next(iter(values), pcode)
    missing = sorted({g.id for g in governorates} - set(matched))
    if missing:
        problems.append(f"{src.name}: no feature for governorate(s) {', '.join(missing)}")
    if problems:
        raise SourceFileError("boundaries not imported:\n" + "\n".join(f"- {p}" for p in problems))
    geoms = shapely.make_valid(shapely.simplify(frame.geometry.values[list(matched.values())], SIMPLIFY_DEG,
                                                preserve_topology=True))
    features = [{"type": "Feature", "properties": {"pcode": pcode, "name": names[pcode]},
                 "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, 1e-5)))}
                for pcode, g in zip(matched, geoms)]
    _write_json(loading.boundaries_path(), {"type": "FeatureCollection", "source": source or src.name,
                                            "features": features})
    return names


# GeoNames dump columns (geonames.org/export: readme.txt)
_GN_COLS = ("geonameid name asciiname alternatenames latitude longitude feature_class feature_code country_code "
            "cc2 admin1 admin2 admin3 admin4 population elevation dem timezone modified").split()
#: Feature classes kept: populated places, admin areas, spots (bases, crossings), terrain, areas.
_GN_CLASSES = {"P": None, "A": "area", "S": None, "T": "mountain", "L": "area"}
_GN_CODES = {"AIRB": ("airbase", 2_000.0), "AIRF": ("airbase", 2_000.0), "MILB": ("base", 2_000.0),
             "PSTB": ("crossing", 1_000.0), "OILF": ("oil_field", 8_000.0), "GASF": ("gas_field", 8_000.0),
             "CMPRF": ("camp", 2_000.0), "PPLC": ("capital", 2_000.0)}
#: Alternate-name "languages" that are codes, not names.
_GN_SKIP_LANGS = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "fr_1793", "abbr"}


def import_geonames(dump: Path, alternate_names: Path | None = None) -> int:
    """Build the extended gazetteer from a GeoNames country dump (e.g. SY.txt); returns place count."""
    rows: dict[str, dict] = {}
    try:
        with open(dump, encoding="utf-8", newline="") as fh:
            for n, rec in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
                if len(rec) != len(_GN_COLS):
                    raise SourceFileError(f"{dump}: line {n}: expected {len(_GN_COLS)} tab-separated columns, "
                                          f"found {len(rec)}")
                r = dict(zip(_GN_COLS, rec))
                if r["feature_class"] not in _GN_CLASSES:
                    continue
                pop = int(r["population"] or 0)
                ftype, unc = _GN_CODES.get(r["feature_code"], (None, None))
                if ftype is None:
                    ftype = _GN_CLASSES[r["feature_class"]]
                    if ftype is None:
                        ftype, unc = loading._geonames_type(pop) if r["feature_class"] == "P" else ("site", 2_000.0)
                    else:
                        unc = 10_000.0
                rows[r["geonameid"]] = {
                    "geonameid": int(r["geonameid"]), "name": r["name"], "lat": float(r["latitude"]),
                    "lon": float(r["longitude"]), "country": r["country_code"], "admin1": r["admin1"],
                    "population": pop, "type": ftype, "uncertainty_m": unc,
                    "aliases": sorted({a for a in r["alternatenames"].split(",") if a and a != r["name"]}),
                }
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceFileError(f"{dump}: cannot be read as a GeoNames dump: {exc}") from exc
    if alternate_names is not None:
        try:
            with open(alternate_names, encoding="utf-8", newline="") as fh:
                for rec in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                    if len(rec) >= 4 and rec[1] in rows and rec[2] not in _GN_SKIP_LANGS and rec[3]:
                        aliases = rows[rec[1]]["aliases"]
                        if rec[3] not in aliases and rec[3] != rows[rec[1]]["name"]:
                            aliases.append(rec[3])
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceFileError(f"{alternate_names}: cannot be read as GeoNames alternate names: {exc}") from exc
    if not rows:
        raise SourceFileError(f"{dump}: no places found (is this a GeoNames country dump?)")
    _write_json(loading.extended_geonames_path(), list(rows.values()))
    return len(rows)
