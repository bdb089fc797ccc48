"""Geodesic shapes on the WGS84 ellipsoid: circles, rings, corridors and sectors.

Circles are built with pyproj's ``Geod`` (exact geodesics). Buffers of arbitrary shapes are done
in a local azimuthal equidistant projection centred on the shape, which keeps distances from the
centre true; over the few hundred kilometres of Syria its error is far below the uncertainties.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from . import settings

GEOD = Geod(ellps="WGS84")

BEARINGS = {
    "north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
    "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0,
}


def circle(lon: float, lat: float, radius_m: float, *, vertices: int | None = None) -> Polygon:
    """A geodesic circle as a counter-clockwise polygon (RFC 7946 orientation)."""
    return circles(np.array([lon]), np.array([lat]), np.array([radius_m]), vertices=vertices)[0]


def circles(lon: np.ndarray, lat: np.ndarray, radius_m: np.ndarray, *, vertices: int | None = None) -> np.ndarray:
    """Geodesic circles for arrays of centres and radii, in one vectorised ``Geod.fwd`` call."""
    n = vertices or settings.CIRCLE_VERTICES
    k = len(lon)
    az = np.linspace(360.0, 0.0, n, endpoint=False)  # decreasing azimuth = counter-clockwise
    lons, lats, _ = GEOD.fwd(np.repeat(np.asarray(lon, float), n), np.repeat(np.asarray(lat, float), n),
                             np.tile(az, k), np.repeat(np.asarray(radius_m, float), n))
    ring = np.stack([lons.reshape(k, n), lats.reshape(k, n)], axis=-1)
    return shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))


def destination(lon: float, lat: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point reached from (lon, lat) along a geodesic."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing_deg, distance_m)
    return float(lon2), float(lat2)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def area_m2(geom: BaseGeometry) -> float:
    """Geodesic area of a (multi)polygon in square metres, whatever its ring orientation."""
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def equivalent_radius_m(geom: BaseGeometry) -> float:
    """Radius of the circle with the same geodesic area; 0 for points and lines."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return float(np.sqrt(area_m2(geom) / np.pi))
    if geom.geom_type in ("LineString", "MultiLineString"):
        return float(GEOD.geometry_length(geom) / 2)
    return 0.0


@lru_cache(maxsize=256)
def _aeqd(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    proj = f"+proj=aeqd +lat_0={lat:.5f} +lon_0={lon:.5f} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    inv = Transformer.from_crs(proj, "EPSG:4326", always_xy=True)
    return fwd, inv


#: Projection centres are snapped to this grid (degrees) so that nearby shapes share one pair of
#: transformers (building one costs milliseconds); 0.25 degrees off-centre changes distances
#: within a few hundred kilometres by far less than a metre per kilometre.
_CENTRE_GRID = 0.25


def _via_local(geom: BaseGeometry, op) -> BaseGeometry:
    c = geom.centroid
    fwd, inv = _aeqd(round(c.x / _CENTRE_GRID) * _CENTRE_GRID, round(c.y / _CENTRE_GRID) * _CENTRE_GRID)
    local = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    out = op(local)
    return shapely.transform(out, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))


def buffer(geom: BaseGeometry, distance: float) -> BaseGeometry:
    """Buffer a lon/lat geometry by a distance in metres (negative shrinks)."""
    return _via_local(geom, lambda g: g.buffer(distance, quad_segs=16))


def ring(geom: BaseGeometry, inner_m: float, outer_m: float) -> BaseGeometry:
    """The band between ``inner_m`` and ``outer_m`` metres from a geometry."""
    def op(g):
        outer = g.buffer(outer_m, quad_segs=16)
        return outer.difference(g.buffer(inner_m, quad_segs=16)) if inner_m > 0 else outer
    return _via_local(geom, op)


def corridor(a: tuple[float, float], b: tuple[float, float], half_width_m: float) -> BaseGeometry:
    """A buffered segment between two lon/lat points."""
    return buffer(LineString([a, b]), half_width_m)


def sector(lon: float, lat: float, bearing_deg: float, radius_m: float, *, width_deg: float = 90.0) -> Polygon:
    """A geodesic pie slice from (lon, lat), centred on a bearing, counter-clockwise."""
    az = np.linspace(bearing_deg + width_deg / 2, bearing_deg - width_deg / 2, 33)
    lons, lats, _ = GEOD.fwd(np.full(az.size, lon), np.full(az.size, lat), az, np.full(az.size, radius_m))
    return Polygon([(lon, lat), *zip(lons, lats)])


def part_of(area: BaseGeometry, direction: str) -> BaseGeometry:
    """The northern/eastern/... (or central) part of an area, cut with a sector from its centre."""
    c = area.representative_point() if not area.centroid.within(area) else area.centroid
    if direction == "central":
        return _via_local(area, lambda g: g.intersection(
            shapely.affinity.scale(g, 0.5, 0.5, origin=shapely.centroid(g))))
    reach = max(equivalent_radius_m(area) * 4, 50_000)
    wedge = sector(c.x, c.y, BEARINGS[direction], reach)
    part = area.intersection(wedge)
    return part if not part.is_empty else area


def point(lon: float, lat: float) -> Point:
    return Point(float(lon), float(lat))
