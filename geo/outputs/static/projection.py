"""Geometry for the static map: a metric projection, shapely → matplotlib paths, background data.

Everything is drawn in a Lambert azimuthal equal-area projection centred on the view, so
translucent uncertainty areas keep their true relative sizes and the scale bar can be measured
in true kilometres (see :func:`scale_bar_length`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from matplotlib.path import Path as MplPath
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

from geo import settings

GEOD = Geod(ellps="WGS84")

#: Labels of the context countries (:data:`geo.settings.CONTEXT_COUNTRIES`) on the map.
COUNTRY_LABELS: dict[str, str] = {"Saudi Arabia": "SAUDI ARABIA", "Palestine": ""}
BORDER_SOURCE = "countryinfo package (public domain), simplified"


@dataclass(frozen=True)
class Projection:
    """Lon/lat ↔ metres in a LAEA projection centred on (``lon0``, ``lat0``)."""

    lon0: float
    lat0: float

    @property
    def crs(self) -> CRS:
        return CRS.from_proj4(f"+proj=laea +lat_0={self.lat0} +lon_0={self.lon0} +datum=WGS84 +units=m +no_defs")

    @property
    def _fwd(self) -> Transformer:
        return _transformer(self.lon0, self.lat0, False)

    @property
    def _inv(self) -> Transformer:
        return _transformer(self.lon0, self.lat0, True)

    def forward(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._fwd.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def inverse(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self._inv.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    def geoms(self, geoms: Any) -> np.ndarray:
        """Project an array of lon/lat shapely geometries (vectorised; ``None`` stays ``None``)."""
        arr = np.asarray(geoms, dtype=object)
        if arr.size == 0:
            return arr

        def fn(xy: np.ndarray) -> np.ndarray:
            x, y = self.forward(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(arr, fn)

    def describe(self) -> str:
        ew = "E" if self.lon0 >= 0 else "W"
        ns = "N" if self.lat0 >= 0 else "S"
        return f"Lambert azimuthal equal-area projection centred {abs(self.lon0):.1f}°{ew} {abs(self.lat0):.1f}°{ns}"


@lru_cache(maxsize=16)
def _transformer(lon0: float, lat0: float, inverse: bool) -> Transformer:
    crs = CRS.from_proj4(f"+proj=laea +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs")
    if inverse:
        return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def projection_for(bbox: tuple[float, float, float, float]) -> Projection:
    """The projection centred on ``bbox`` (rounded to 0.5° so nearby views share it)."""
    lon0 = round((bbox[0] + bbox[2]) / 2 * 2) / 2
    lat0 = round((bbox[1] + bbox[3]) / 2 * 2) / 2
    return Projection(lon0, lat0)


def projected_bounds(proj: Projection, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Projected bounds of a lon/lat box (its densified outline, so curved edges are covered)."""
    outline = shapely.segmentize(shapely.box(*bbox), 0.25)
    return tuple(float(v) for v in shapely.bounds(proj.geoms([outline])[0]))  # type: ignore[return-value]


# --- shapely → matplotlib -----------------------------------------------------------------
def polygon_paths(geoms: np.ndarray) -> list[MplPath]:
    """One compound path (holes included) per polygonal geometry, built from ragged arrays."""
    if len(geoms) == 0:
        return []
    geoms = np.asarray(geoms, dtype=object)
    multi = shapely.multipolygons(shapely.get_parts(geoms), indices=_part_index(geoms),
                                  out=np.empty(len(geoms), dtype=object))
    if shapely.is_empty(multi).all():
        return [MplPath(np.zeros((0, 2))) for _ in range(len(geoms))]
    _, coords, (ring_off, poly_off, geom_off) = shapely.to_ragged_array(multi)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    starts, ends = ring_off[:-1], ring_off[1:] - 1
    codes[starts] = MplPath.MOVETO
    codes[ends] = MplPath.CLOSEPOLY
    bounds = ring_off[poly_off[geom_off]]
    return [MplPath(coords[a:b], codes[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def line_coords(geoms: np.ndarray) -> list[np.ndarray]:
    """The vertex arrays of every line part, and nothing for empty geometries."""
    parts = shapely.get_parts(shapely.line_merge(geoms) if len(geoms) else geoms)
    return [shapely.get_coordinates(p) for p in parts if not p.is_empty]


def _part_index(geoms: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(geoms)), shapely.get_num_geometries(geoms))


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Only the polygon parts of each geometry (collections keep their polygons), empty if none."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.empty(len(geoms), dtype=object)
    type_id = shapely.get_type_id(geoms)
    keep = np.isin(type_id, (3, 6))
    out[keep] = geoms[keep]
    out[~keep] = shapely.Polygon()
    for i in np.flatnonzero(type_id == 7):  # geometry collections are rare: a loop is fine
        polys = [p for p in shapely.get_parts(geoms[i]) if p.geom_type in ("Polygon", "MultiPolygon")]
        out[i] = shapely.union_all(polys) if polys else shapely.Polygon()
    return out


# --- background data ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def syria_outline() -> BaseGeometry:
    from gazetteer.loading import country_outline

    return country_outline()


@lru_cache(maxsize=1)
def context_countries() -> tuple[tuple[str, BaseGeometry], ...]:
    """Neighbouring countries' outlines (low resolution, lon/lat); missing ones are skipped."""
    from gazetteer.loading import country_outline

    out = []
    for name in settings.CONTEXT_COUNTRIES:
        try:
            out.append((name, country_outline(name)))
        except Exception:  # noqa: BLE001 - context only: a country the package lacks is simply not drawn
            continue
    return tuple(out)


# --- scale bar and north arrow -------------------------------------------------------------
def nice_length_km(max_km: float) -> float:
    """The largest 1/2/5 x 10^k kilometres not above ``max_km``."""
    if max_km <= 0:
        return 1.0
    exp = math.floor(math.log10(max_km))
    for mult in (5, 2, 1):
        if mult * 10 ** exp <= max_km:
            return float(mult * 10 ** exp)
    return float(10 ** exp)


def metres_per_unit(proj: Projection, x: float, y: float) -> float:
    """True ground metres per projected unit along the x axis at (x, y), measured geodesically.

    LAEA is not equidistant, so the bar is scaled where it is drawn rather than assuming 1.
    """
    d = 1_000.0
    lon, lat = proj.inverse([x, x + d], [y, y])
    _, _, dist = GEOD.inv(lon[0], lat[0], lon[1], lat[1])
    return float(dist) / d


def north_angle(proj: Projection, x: float, y: float) -> float:
    """Direction of true north at (x, y), in degrees counter-clockwise from the map's up."""
    lon, lat = proj.inverse([x], [y])
    nx, ny = proj.forward([lon[0]], [min(lat[0] + 0.05, 89.9)])
    return math.degrees(math.atan2(-(nx[0] - x), ny[0] - y))


def label_point(geom: BaseGeometry) -> BaseGeometry:
    """A good spot for an area's name: the pole of inaccessibility of its largest part."""
    from shapely.ops import polylabel

    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return shapely.point_on_surface(geom)
    biggest = max(parts, key=lambda p: p.area)
    return polylabel(biggest, tolerance=max(math.sqrt(biggest.area) / 50.0, 1.0))


def country_label(name: str) -> str:
    """The map label of a context country ("" = not labelled)."""
    return COUNTRY_LABELS.get(name, name.upper())
