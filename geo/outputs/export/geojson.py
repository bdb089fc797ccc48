"""A fast RFC 7946 GeoJSON writer for whole GeoDataFrames.

Everything is encoded column by column with Arrow compute kernels; no Python code runs per
feature.  Geometries go through ``shapely.to_ragged_array`` (flat coordinates plus offsets), so
coordinates are rounded in one numpy call and printed with Arrow's shortest round-trip float
formatting — GEOS's own GeoJSON writer sometimes prints 17 digits (``42.087255999999996``).
Properties are escaped and quoted per column; each feature is then assembled with one
element-wise join whose string buffer is written straight to the file.

Output rules: WGS84 lon/lat, no ``crs`` member, counter-clockwise exteriors and clockwise holes,
coordinates rounded to :data:`geo.settings.COORD_DECIMALS`, dates as ISO 8601 ``YYYY-MM-DD``,
list cells as arrays, NaN/NA as ``null``.  Requires ``pyarrow`` (already needed by pandas'
string dtype and by streamlit).
"""
from __future__ import annotations

import json
from typing import Any, BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo import settings

#: Features encoded per batch: bounds memory and keeps Arrow's 32-bit string offsets safe.
BATCH_ROWS = 50_000
_SIMPLE_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_CONTROL = r"[\x00-\x1f]"
_NEEDS_ESCAPE = r'[\\"\x00-\x1f]'
_TYPE_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
               6: "MultiPolygon", 7: "GeometryCollection"}


def prepared_geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries in lon/lat with RFC 7946 ring orientation; empty ones become ``None``."""
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    geoms = np.asarray(gdf.geometry.to_numpy(), dtype=object)
    geoms = np.where(pd.isna(geoms), None, geoms)
    geoms = np.where(shapely.is_empty(geoms), None, geoms)
    return shapely.orient_polygons(geoms, exterior_cw=False)


def iso_dates(values: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` strings (``None`` for NaT), without a per-row strftime."""
    arr = values.to_numpy(dtype="datetime64[ns]")
    out = np.datetime_as_string(arr, unit="D").astype(object)
    out[np.isnat(arr)] = None
    return pd.Series(out, index=values.index, dtype=object)


# --- geometry ----------------------------------------------------------------------------------
def _numbers(values: np.ndarray) -> Any:
    """Shortest round-trip text of already-rounded floats."""
    return pc.cast(pa.array(values, type=pa.float64()), pa.string())


def _nest(items: Any, offsets: np.ndarray) -> Any:
    """``[a,b,...]`` per run of ``items`` delimited by ``offsets`` (one nesting level)."""
    lists = pa.ListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int32)), items)
    return pc.binary_join_element_wise("[", pc.binary_join(lists, ","), "]", "")


def _typed_json(geoms: np.ndarray, type_id: int, decimals: int) -> Any:
    """GeoJSON of geometries that all have the simple or multi type ``type_id``."""
    _, coords, offsets = shapely.to_ragged_array(geoms)
    coords = np.round(coords[:, :2], decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = pc.binary_join_element_wise("[", _numbers(coords[:, 0]), ",", _numbers(coords[:, 1]), "]", "")
    for level in offsets:
        text = _nest(text, level)
    return pc.binary_join_element_wise(f'{{"type":"{_TYPE_NAMES[type_id]}","coordinates":', text, "}", "")


def _collection_json(geoms: np.ndarray, decimals: int) -> Any:
    parts, owner = shapely.get_parts(geoms, return_index=True)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(geoms)))])
    members = geometry_json(parts, decimals)
    return pc.binary_join_element_wise('{"type":"GeometryCollection","geometries":',
                                       _nest(members, offsets), "}", "")


def geometry_json(geoms: np.ndarray, decimals: int = settings.COORD_DECIMALS) -> Any:
    """GeoJSON geometry text per geometry (Arrow string array, null for ``None``)."""
    n = len(geoms)
    type_ids = np.where(pd.isna(geoms), -1, shapely.get_type_id(geoms))
    if (type_ids == 2).any():  # a bare LinearRing is not GeoJSON: write it as a LineString
        rings = type_ids == 2
        coords, index = shapely.get_coordinates(geoms[rings], return_index=True)
        geoms = geoms.copy()
        geoms[rings] = shapely.linestrings(coords, indices=index)
        type_ids[rings] = 1
    chunks, order = [], []
    for type_id in _TYPE_NAMES:
        rows = np.flatnonzero(type_ids == type_id)
        if len(rows):
            encode = _collection_json if type_id == 7 else (lambda g, d, t=type_id: _typed_json(g, t, d))
            chunks.append(encode(geoms[rows], decimals))
            order.append(rows)
    chunks.append(pa.nulls(1, pa.string()))  # the row every missing geometry points to
    combined = pa.concat_arrays(chunks)
    position = np.full(n, len(combined) - 1, dtype=np.int64)
    if order:
        rows = np.concatenate(order)
        position[rows] = np.arange(len(rows))
    return combined.take(pa.array(position))


# --- properties --------------------------------------------------------------------------------
def _escaped(strings: Any) -> Any:
    """JSON string literals (quoted) for an Arrow string array; nulls stay null.

    Repeated values (kinds, outlets, caveats...) are escaped once through a dictionary encoding,
    and the replacement passes are skipped when no character needs escaping.
    """
    encoded = pc.dictionary_encode(strings)
    if len(encoded.dictionary) * 2 <= len(strings):
        return _escaped_unique(encoded.dictionary).take(encoded.indices)
    return _escaped_unique(strings)


def _escaped_unique(strings: Any) -> Any:
    if len(strings) and pc.any(pc.match_substring_regex(strings, _NEEDS_ESCAPE)).as_py():
        for raw, escaped in _SIMPLE_ESCAPES:
            strings = pc.replace_substring(strings, raw, escaped)
        if pc.any(pc.match_substring_regex(strings, _CONTROL)).as_py():
            for code in range(0x20):  # rare: other control characters become \\u00XX
                strings = pc.replace_substring(strings, chr(code), f"\\u{code:04x}")
    return pc.binary_join_element_wise('"', strings, '"', "")


def _is_list_column(values: pd.Series) -> bool:
    if values.dtype != object:
        return False
    present = values.dropna()
    return bool(len(present)) and isinstance(present.iloc[0], (list, tuple))


def value_json(values: pd.Series) -> Any:
    """One JSON literal per row (Arrow string array, ``null`` for missing values)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        days = values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        out = _escaped(pc.cast(pa.array(days), pa.string()))
    elif pd.api.types.is_bool_dtype(values):
        out = pc.cast(pa.array(values.to_numpy(dtype=object), type=pa.bool_(), from_pandas=True), pa.string())
    elif pd.api.types.is_integer_dtype(values):
        out = pc.cast(pa.array(values, type=pa.int64(), from_pandas=True), pa.string())
    elif pd.api.types.is_float_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        out = pc.cast(pa.array(np.where(np.isfinite(arr), arr, np.nan), from_pandas=True), pa.string())
    elif _is_list_column(values):
        lists = pa.array(values.to_numpy(dtype=object), type=pa.list_(pa.string()), from_pandas=True)
        items = _escaped(lists.values)
        joined = pc.binary_join(pa.ListArray.from_arrays(lists.offsets, items, mask=lists.is_null()), ",")
        out = pc.binary_join_element_wise("[", joined, "]", "")
    else:
        out = _escaped(pa.array(values.astype("str"), type=pa.string(), from_pandas=True))
    return pc.fill_null(out, "null")


def _write_batch(fh: BinaryIO, ids: pd.Series | None, geoms: np.ndarray, props: pd.DataFrame, first: bool) -> None:
    n = len(props)
    separators = pa.concat_arrays([pa.array(["\n" if first else ",\n"]), pa.repeat(pa.scalar(",\n"), n - 1)])
    parts: list[Any] = [separators, '{"type":"Feature",']
    if ids is not None:
        parts += ['"id":', value_json(ids), ","]
    parts += ['"geometry":', pc.fill_null(geometry_json(geoms), "null"), ',"properties":{']
    for i, name in enumerate(props.columns):
        parts += [("," if i else "") + json.dumps(str(name), ensure_ascii=False) + ":", value_json(props[name])]
    parts.append("}}")
    features = pc.binary_join_element_wise(*parts, "")
    offsets = np.frombuffer(features.buffers()[1], dtype=np.int32)[features.offset:features.offset + n + 1]
    fh.write(memoryview(features.buffers()[2])[offsets[0]:offsets[-1]])


def write_feature_collection(gdf: gpd.GeoDataFrame, fh: BinaryIO, *, id_column: str | None = "id",
                             extra: dict[str, Any] | None = None) -> int:
    """Write ``gdf`` as one FeatureCollection to the binary file ``fh``; returns the feature count.

    ``id_column`` (kept among the properties too) becomes each feature's ``id`` member.
    ``extra`` adds top-level members (e.g. ``name``), never ``crs``.
    """
    geoms = prepared_geometries(gdf)
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    ids = props[id_column] if id_column is not None and id_column in props.columns else None
    head = json.dumps({"type": "FeatureCollection", **(extra or {})}, ensure_ascii=False)
    fh.write((head[:-1] + ',"features":[').encode("utf-8"))
    for start in range(0, len(props), BATCH_ROWS):
        stop = start + BATCH_ROWS
        _write_batch(fh, None if ids is None else ids.iloc[start:stop], geoms[start:stop],
                     props.iloc[start:stop], start == 0)
    fh.write(b"\n]}\n")
    return len(props)
