"""Bringing the user's own files in: admin-1 boundaries, populated-places files, GeoNames dumps.

All write into ``settings.local_dir()`` (never into git) atomically, and the loader picks them up.
Places and GeoNames files become sources of their own (``gazetteer.sources``): imports add, never replace.
"""
from __future__ import annotations

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
    governorates = loading.load_governorates(settings.curated_dir() / "governorates.yaml", problems)
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


def import_geonames(dump: Path, alternate_names: Path | None = None, *, country: str | None = None,
                    source: str | None = None) -> int:
    """Import a GeoNames dump (SY.zip, allCountries.zip filtered by ``country``) as a source; returns its size."""
    from .geonames import import_geonames as run

    return run(dump, alternate_names, country=country, source=source).count


def import_places(src: Path, **options) -> int:
    """Import a populated-places file as a source (options of ``place_files.import_places``); returns its size."""
    from .place_files import import_places as run

    return run(src, **options)[0].count
