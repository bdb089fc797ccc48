"""Importing a populated-places file (GeoPackage, GeoJSON, Shapefile, CSV) as a gazetteer source.

Columns are found by the names known exports use: HOT OpenStreetMap (``name``, ``name:en``,
``name:ar``, ``place``, ``alt_name``, admin names and p-codes), OCHA populated-place tables
(``ADM4_EN``/``ADM4_AR``/``ADM4_PCODE``, ``ADM1_EN`` ... or ``admin4Name_en`` ...), Geofabrik
shapefiles (``fclass``); any other file maps its columns with ``--name-field`` and friends.
Every row problem is gathered and reported at once; nothing is written unless all rows are good.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from . import loading, settings, sources
from .errors import SourceFileError
from .normalize import normalize

# Known column names, lower-cased, best first.
_NAME_EN = ("name:en", "name_en", "nameen", "name_eng", "name_english", "adm4_en", "admin4name_en",
            "location_name_en", "ppl_name_en", "featurename", "name", "adm4_name")
_NAME_AR = ("name:ar", "name_ar", "adm4_ar", "admin4name_ar", "location_name_ar", "ppl_name_ar")
_ALT = re.compile(r"^(alt_name|old_name|official_name|int_name|loc_name|short_name|name|adm4_alt|alias|"
                  r"alternate_?names?)([:_][a-z]{2,3})?$|^adm4_alt\d?_(en|ar)$|^admin4altname\d?_(en|ar)$")
_KIND = ("place", "fclass", "feature_type", "featuretype", "type", "class")
_ID = ("adm4_pcode", "admin4pcode", "pcode", "osm_id", "id", "geonameid")
_POP = ("population", "pop")
_ADM1_PCODE = ("adm1_pcode", "admin1pcode", "adm1pcode")
_ADM2_PCODE = ("adm2_pcode", "admin2pcode", "adm2pcode")
_ADM1_NAME = ("adm1_name", "adm1_en", "admin1name_en", "governorate", "is_in:state", "province")
_ADM2_NAME = ("adm2_name", "adm2_en", "admin2name_en", "district")
_ADM3_NAME = ("adm3_name", "adm3_en", "admin3name_en", "subdistrict", "sub_district")
_LAT = ("lat", "latitude", "y", "lat_y", "latitude_y", "ycoord")
_LON = ("lon", "lng", "long", "longitude", "x", "lon_x", "longitude_x", "xcoord")
_GOV_PCODE = re.compile(r"^SY\d{2}")

#: OSM ``place`` / Geofabrik ``fclass`` values -> (feature type, uncertainty in metres).
KINDS = {"city": ("city", 2_000.0), "national_capital": ("capital", 2_000.0), "town": ("town", 1_500.0),
         "village": ("village", 1_000.0), "hamlet": ("hamlet", 500.0), "isolated_dwelling": ("hamlet", 300.0),
         "farm": ("hamlet", 300.0), "suburb": ("neighbourhood", 1_000.0), "neighbourhood": ("neighbourhood", 700.0),
         "quarter": ("neighbourhood", 1_000.0), "borough": ("neighbourhood", 1_500.0),
         "locality": ("locality", 1_000.0), "camp": ("camp", 1_000.0)}
#: A row without a kind column is taken as a village.
DEFAULT_KIND = ("village", 1_000.0)
OSM_LICENCE = "ODbL 1.0, © OpenStreetMap contributors"


def _find(columns: Sequence[str], wanted: Sequence[str]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[w] for w in wanted if w in lower), None)


def _column(frame: pd.DataFrame, given: str | None, wanted: Sequence[str], what: str, src: Path) -> str | None:
    if given is None:
        return _find(list(frame.columns), wanted)
    if given not in frame.columns:
        raise SourceFileError(f"{src}: {what} column {given!r} not found (columns: {', '.join(map(str, frame.columns))})")
    return given


def _text(frame: pd.DataFrame, col: str | None) -> pd.Series:
    """A column as stripped strings, '' where missing."""
    if col is None:
        return pd.Series("", index=frame.index, dtype=object)
    s = frame[col]
    s = s.where(s.notna(), "").astype(str).str.strip()
    return s.mask(s.str.lower().isin(("nan", "none", "null")), "")


def _read(src: Path, layer: str | None) -> pd.DataFrame:
    import pyogrio  # lazy: importing is rare

    if not src.exists():
        raise SourceFileError(f"{src}: no such file")
    try:
        layers = pyogrio.list_layers(src)
        if layer is not None and layer not in {str(n) for n, _ in layers}:
            raise SourceFileError(f"{src}: no layer {layer!r} (layers: {', '.join(str(n) for n, _ in layers)})")
        if layer is None and len(layers) > 1:
            pointy = [str(n) for n, g in layers if g and "Point" in str(g)]
            layer = pointy[0] if pointy else str(layers[0][0])
        return pyogrio.read_dataframe(src, layer=layer)
    except SourceFileError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SourceFileError(f"{src}: cannot be read as a vector or CSV file: {exc}") from exc


def _lonlat(frame: pd.DataFrame, src: Path, problems: list[str], label: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (EPSG:4326) of every row; projected coordinates are reprojected."""
    geom = frame.geometry.values if "geometry" in frame.columns and hasattr(frame, "crs") else None
    if geom is not None and not shapely.is_empty(np.asarray(geom)).all():
        geoms = np.asarray(geom)
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        for i in np.flatnonzero(missing)[:50]:
            problems.append(f"{src}: row {i + 1} ({label.iat[i]}): field 'geometry': empty")
        pts = shapely.point_on_surface(np.where(missing, shapely.Point(np.nan, np.nan), geoms))
        x, y = shapely.get_x(pts), shapely.get_y(pts)
        crs = frame.crs
        if crs is not None and not crs.equals("EPSG:4326"):
            from pyproj import Transformer

            try:
                x, y = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
            except Exception as exc:  # pyproj raises ProjError and others for unusable CRSs
                raise SourceFileError(f"{src}: cannot reproject from {crs.name} to EPSG:4326: {exc}") from exc
        elif crs is None and np.nanmax(np.abs(x), initial=0) > 180:
            raise SourceFileError(f"{src}: field 'geometry': coordinates look projected (x up to "
                                  f"{np.nanmax(np.abs(x)):.0f}) but the file states no CRS; save it with its CRS")
        return np.asarray(x, float), np.asarray(y, float)
    lat_col, lon_col = _find(list(frame.columns), _LAT), _find(list(frame.columns), _LON)
    if lat_col is None or lon_col is None:
        raise SourceFileError(f"{src}: no geometry and no latitude/longitude columns "
                              f"(looked for {'/'.join(_LAT)} and {'/'.join(_LON)})")
    out = []
    for col in (lon_col, lat_col):
        raw = _text(frame, col).str.replace(",", ".", regex=False)
        num = pd.to_numeric(raw, errors="coerce")
        for i in np.flatnonzero(num.isna().to_numpy())[:50]:
            problems.append(f"{src}: row {i + 1} (line {i + 2}, {label.iat[i]}): field {col!r}: "
                            f"not a number: {raw.iat[i]!r}")
        out.append(num.to_numpy(float))
    return out[0], out[1]


def _check_in_syria(lon: np.ndarray, lat: np.ndarray, src: Path, label: pd.Series, problems: list[str]) -> None:
    w, s, e, n = settings.SYRIA_BBOX
    m = settings.SYRIA_MARGIN_DEG
    known = np.isfinite(lon) & np.isfinite(lat)
    outside = known & ~((lon >= w - m) & (lon <= e + m) & (lat >= s - m) & (lat <= n + m))
    swapped = (lat >= w - m) & (lat <= e + m) & (lon >= s - m) & (lon <= n + m)
    bad = np.flatnonzero(outside)
    for i in bad[:50]:
        hint = " (latitude and longitude swapped?)" if swapped[i] else ""
        problems.append(f"{src}: row {i + 1} ({label.iat[i]}): field 'geometry': lon {lon[i]:.5f}, lat {lat[i]:.5f} "
                        f"is outside Syria (± {m:g}°){hint}")
    if bad.size > 50:
        problems.append(f"{src}: ... and {bad.size - 50} more rows outside Syria")


def _governorate_keys() -> dict[str, str]:
    problems: list[str] = []
    keys: dict[str, str] = {}
    for g in loading.load_governorates(settings.curated_dir() / "governorates.yaml", problems):
        for name in (g.name, *g.aliases, g.id):
            keys.setdefault(normalize(name), g.id)
    # OCHA spellings that are not aliases of the curated governorates.
    for name, pcode in (("Idleb", "SY07"), ("Tartous", "SY10"), ("As-Sweida", "SY13"), ("Dar'a", "SY12"),
                        ("Al-Hasakeh", "SY08"), ("Ar-Raqqa", "SY11"), ("Lattakia", "SY06"), ("Deir-ez-Zor", "SY09"),
                        ("Rural Damascus", "SY03"), ("Rif Dimashq", "SY03")):
        keys.setdefault(normalize(name), pcode)
    return keys


def _governorates(frame: pd.DataFrame, admin_cols: Sequence[str | None]) -> tuple[pd.Series, list[pd.Series]]:
    """(governorate p-code per row, [admin-1, admin-2, admin-3 names]).

    A column whose values are all p-codes gives the governorate (its first four characters);
    the others are admin names from the largest down, the first of them matched to a governorate
    where no p-code says it.
    """
    gov = pd.Series(None, index=frame.index, dtype=object)
    names: list[pd.Series] = []
    for col in admin_cols:
        values = _text(frame, col)
        given = values != ""
        if col is not None and given.any() and values[given].str.match(r"^SY\d{2,}$").all():
            gov = gov.fillna(values.str[:4].where(values.str.match(_GOV_PCODE)))
        else:
            names.append(values)
    if names and gov.isna().any():
        keys = _governorate_keys()
        gov = gov.fillna(names[0].map(lambda v: keys.get(normalize(v)) if v else None))
    while len(names) < 3:
        names.append(pd.Series("", index=frame.index, dtype=object))
    return gov, names


def import_places(src: Path, *, layer: str | None = None, source: str | None = None, licence: str | None = None,
                  name_field: str | None = None, alt_name_fields: Sequence[str] = (), kind_field: str | None = None,
                  admin_fields: Sequence[str] = ()) -> tuple[sources.SourceInfo, int]:
    """Import a populated-places file as one source; returns (its info, rows skipped for lack of a name)."""
    src = Path(src)
    frame = _read(src, layer)
    cols = [str(c) for c in frame.columns if c != "geometry"]
    name_col = _column(frame, name_field, _NAME_EN, "name", src)
    ar_col = _find(cols, _NAME_AR)
    alt_cols = [_column(frame, f, (), "alt-name", src) for f in alt_name_fields] or [
        c for c in cols if _ALT.match(c.lower()) and c not in (name_col, ar_col)]
    if name_col is None and ar_col is None:
        raise SourceFileError(f"{src}: no name column found (columns: {', '.join(cols)}); give --name-field")
    kind_col = _column(frame, kind_field, _KIND, "kind", src)
    if admin_fields:
        admin_cols: list[str | None] = [_column(frame, f, (), "admin", src) for f in admin_fields]
    else:
        pcode_cols = [c for c in (_find(cols, _ADM1_PCODE), _find(cols, _ADM2_PCODE)) if c is not None]
        admin_cols = [*pcode_cols, *(_find(cols, w) for w in (_ADM1_NAME, _ADM2_NAME, _ADM3_NAME))]
    name_cols = [c for c in dict.fromkeys([name_col, ar_col, *alt_cols]) if c is not None]
    texts = [_text(frame, c) for c in name_cols]
    display = texts[0]
    for t in texts[1:]:
        display = display.mask(display == "", t)
    named = (display != "").to_numpy()
    problems: list[str] = []
    lon, lat = _lonlat(frame, src, problems, display)
    _check_in_syria(lon, lat, src, display, problems)
    if kind_col is not None:
        kinds = _text(frame, kind_col).str.lower()
        unknown = sorted(set(kinds[named]) - set(KINDS) - {""})
        ftype = kinds.map(lambda k: KINDS.get(k, (k, 1_000.0) if k else DEFAULT_KIND))
    else:
        unknown, ftype = [], pd.Series([DEFAULT_KIND] * len(frame), index=frame.index)
    gov, admin_names = _governorates(frame, admin_cols)
    pop_col = _find(cols, _POP)
    pop = pd.to_numeric(_text(frame, pop_col), errors="coerce") if pop_col else pd.Series(np.nan, index=frame.index)
    if problems:
        head = f"{src}: {len(problems)} problem(s), nothing imported:"
        raise SourceFileError("\n".join([head, *problems[:60]]))
    name = source or src.stem
    id_col = _find(cols, _ID)
    is_osm = "osm_id" in [c.lower() for c in cols]
    if is_osm:
        otype = _text(frame, _find(cols, ("osm_type",))).replace("", "node")
        ids = ("osm:" + otype + "/" + _text(frame, _find(cols, ("osm_id",))).str.replace(r"\.0$", "", regex=True))
    elif id_col is not None:
        ids = f"{sources.slug(name)}:" + _text(frame, id_col)
    else:
        ids = pd.Series([f"{sources.slug(name)}:{i + 1}" for i in range(len(frame))], index=frame.index)
    dup = ids.duplicated(keep="first") | (ids.str.endswith(":"))
    ids = ids.mask(dup, ids + "#" + pd.Series(np.arange(1, len(frame) + 1).astype(str), index=frame.index))
    rows = []
    for i in np.flatnonzero(named):
        names = []
        for t in texts:
            names.extend(v.strip() for v in t.iat[i].split(";") if v.strip())
        names = list(dict.fromkeys(names))
        kind, unc = ftype.iat[i]
        p = pop.iat[i]
        rows.append({"id": ids.iat[i], "name": display.iat[i], "aliases": [n for n in names if n != display.iat[i]],
                     "type": kind, "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
                     "uncertainty_m": unc, "governorate": gov.iat[i] if isinstance(gov.iat[i], str) else None,
                     "admin1": admin_names[0].iat[i] or None, "admin2": admin_names[1].iat[i] or None,
                     "admin3": admin_names[2].iat[i] or None,
                     "population": int(p) if np.isfinite(p) and p > 0 else None, "status": None})
    if not rows:
        raise SourceFileError(f"{src}: no row has a name in column(s) {', '.join(name_cols)}")
    lic = licence or (OSM_LICENCE if is_osm else "not stated (give --licence)")
    columns = {"name": name_col, "name_ar": ar_col, "alt_names": alt_cols, "kind": kind_col,
               "admin": [c for c in admin_cols if c], "unknown_kinds": unknown}
    path = sources.save(name, licence=lic, kind="places", file=src.name, places=rows, extra={"columns": columns})
    info = next(s for s in sources.list_sources() if s.path == path)
    return info, int((~named).sum())
