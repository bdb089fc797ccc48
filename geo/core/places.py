"""Turning a record's place fields into a geometry with honest precision.

The gazetteer does the hard part (names, relative phrases, uncertainty footprints); this module
combines its answers for one record (several places → union, a route → a line), applies explicit
geometry overrides, and makes sure a country-level answer is never drawn as a pin.
"""
from __future__ import annotations

import dataclasses
import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box

from gazetteer import geodesy, precision
from gazetteer.settings import PIN_MAX_UNCERTAINTY_M
from geo import settings
from geo.core.gazetteer_access import Gazetteer
from geo.core.model import COUNTRY_WHERE_PREC
from geo.errors import GeoError

_POLYGONAL = ("Polygon", "MultiPolygon")
_POINTS = ("Point", "MultiPoint")
#: Radius used to draw a country-level point outside Syria when the gazetteer has no outline.
_COUNTRY_FALLBACK_RADIUS_M = 50_000.0


@dataclass(frozen=True)
class Located:
    """Where a record is, and how precisely (ACLED/UCDP codes plus a radius in metres)."""

    geometry: Any
    place_ids: tuple[str, ...]
    #: Every gazetteer id the location was built from (``place_ids`` plus relative-phrase anchors).
    refs: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    where_prec: int | None
    uncertainty_m: float | None


class UnknownPlace(GeoError, LookupError):
    """The gazetteer could not resolve a query; ``suggestions`` are its alternatives."""

    def __init__(self, query: str, suggestions: Sequence[str]):
        self.query = query
        self.suggestions = tuple(suggestions)
        hint = f" (did you mean: {', '.join(self.suggestions)})" if self.suggestions else " (no suggestions)"
        super().__init__(f"unknown place {query!r}{hint}")


#: Answers of each gazetteer object, kept as long as it lives: a place text is resolved once per
#: gazetteer, not again on every dataset load, review validation or candidate display.  A new
#: gazetteer (after an import) is a new object, so its answers start afresh.
_ANSWERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], Any]] = weakref.WeakKeyDictionary()
_ANSWERS_LOCK = threading.Lock()


def _answers_of(gazetteer: Any) -> dict[tuple[str, str | None], Any]:
    with _ANSWERS_LOCK:
        answers = _ANSWERS.get(gazetteer)
        if answers is None:
            answers = _ANSWERS[gazetteer] = {}
        return answers


class PlaceResolver:
    """Resolves place queries through a gazetteer, each (query, context) once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self._cache = _answers_of(gazetteer)
        self._outline: Any = None

    # -- country outline --------------------------------------------------------------------
    def country_outline(self) -> Any:
        """Syria's outline from the gazetteer when it has one, else :data:`settings.SYRIA_EXTENT`."""
        if self._outline is None:
            outline = None
            get = getattr(self.gazetteer, "get", None)
            for pid in settings.COUNTRY_IDS if get else ():
                place = get(pid)
                geom = getattr(place, "geometry", None)
                if geom is not None and geom.geom_type in _POLYGONAL:
                    outline = geom
                    break
            if outline is None:
                outline = box(*settings.SYRIA_EXTENT)
            shapely.prepare(outline)
            self._outline = outline
        return self._outline

    def inside_country(self, lon: Any, lat: Any) -> np.ndarray:
        """Vectorised point-in-Syria test (outline or extent box)."""
        return shapely.contains_xy(self.country_outline(), np.asarray(lon), np.asarray(lat))

    # -- resolution -------------------------------------------------------------------------
    def resolve(self, query: str, context: str | None = None) -> Any:
        """The gazetteer's resolution, or :class:`UnknownPlace` with its suggestions."""
        key = (query, context)
        if key not in self._cache:
            self._cache[key] = self.gazetteer.resolve(query, context=context)
        res = self._cache[key]
        if not getattr(res, "resolved", False):
            alts = getattr(res, "alternatives", None) or ()
            suggestions = [f"{getattr(a, 'name', a)} [{getattr(a, 'id', '?')}]" for a in list(alts)[:5]]
            raise UnknownPlace(query, suggestions)
        return res

    def _area_geometry(self, res: Any) -> Any:
        """Geometry of ``res`` that is never a pin when the place is a country (or coarser)."""
        geom = res.geometry
        country_level = (res.where_prec or 0) >= COUNTRY_WHERE_PREC or res.feature_type == "country"
        if not country_level or geom is None or geom.geom_type in _POLYGONAL:
            return geom
        place = self.gazetteer.get(res.id) if res.id else None
        pgeom = getattr(place, "geometry", None)
        if pgeom is not None and pgeom.geom_type in _POLYGONAL:
            return pgeom
        return self.country_area(geom, res.uncertainty_m)

    def country_area(self, geom: Any, uncertainty_m: float | None = None) -> Any:
        """What a country-level point is drawn as: Syria's outline if it lies inside, else a circle."""
        rep = shapely.point_on_surface(geom)
        if bool(self.inside_country(rep.x, rep.y)):
            return self.country_outline()
        radius = max(float(uncertainty_m or 0.0), _COUNTRY_FALLBACK_RADIUS_M)
        return geodesy.circle(rep.x, rep.y, radius)

    def locate(self, queries: Sequence[str], context: str | None = None) -> Located:
        """One or several places (union geometry, coarsest precision).  Raises UnknownPlace."""
        answers = [self.resolve(q, context) for q in queries]
        geoms = [self._area_geometry(r) for r in answers]
        geometry = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        single = answers[0] if len(answers) == 1 else None
        ids = tuple(dict.fromkeys(r.id for r in answers if r.id))
        return Located(
            geometry=geometry,
            place_ids=ids,
            refs=_refs(ids, answers),
            latitude=float(single.lat) if single is not None and single.lat is not None else None,
            longitude=float(single.lon) if single is not None and single.lon is not None else None,
            **combined_precision(answers),
        )

    def route(self, queries: Sequence[str], context: str | None = None) -> Located:
        """A movement's line through its places' representative points, origin first."""
        answers = [self.resolve(q, context) for q in queries]
        coords = [(float(r.lon), float(r.lat)) for r in answers]
        if len(set(coords)) < 2:
            raise ValueError("a route needs at least two distinct places")
        ids = tuple(dict.fromkeys(r.id for r in answers if r.id))
        return Located(
            geometry=shapely.linestrings(coords),
            place_ids=ids,
            refs=_refs(ids, answers),
            latitude=None,
            longitude=None,
            **combined_precision(answers),
        )


def _refs(ids: tuple[str, ...], answers: Sequence[Any]) -> tuple[str, ...]:
    """Resolved ids plus the anchors of relative phrases ("between A and B" refers to A and B)."""
    anchors = [a for r in answers for a in ((getattr(r, "parse", None) or {}).get("anchors") or ())]
    return tuple(dict.fromkeys([*ids, *(a for a in anchors if isinstance(a, str))]))


def combined_precision(answers: Sequence[Any]) -> dict[str, Any]:
    """Precision of a combination of places (or :class:`Located` parts): the coarsest of each."""
    geo_p, where_p = precision.coarsest([(r.geo_precision, r.where_prec) for r in answers])
    unc = max((r.uncertainty_m for r in answers if r.uncertainty_m is not None), default=None)
    return {"geo_precision": geo_p, "where_prec": where_p, "uncertainty_m": None if unc is None else float(unc)}


def precision_of_geometry(geom: Any, uncertainty_m: float | None = None) -> dict[str, Any]:
    """Default precision of a hand-given geometry with no place to take it from.

    A point is as precise as its stated ``uncertainty_m`` (none stated: the exact spot, 1/1, 0 m);
    a line is "between places" (2/5); an area gets the codes of its size (gazetteer.precision),
    its uncertainty the radius of a circle of the same geodesic area.
    """
    kind = geom.geom_type
    if kind in _POINTS:
        radius = float(uncertainty_m or 0.0)
        geo_p, where_p = precision.codes(None, radius)
        return {"geo_precision": geo_p, "where_prec": where_p, "uncertainty_m": radius}
    if kind in ("LineString", "MultiLineString", "LinearRing"):
        return {"geo_precision": 2, "where_prec": 5, "uncertainty_m": None}
    radius = geodesy.equivalent_radius_m(geom)
    geo_p, where_p = precision.codes(None, radius)
    return {"geo_precision": geo_p, "where_prec": where_p, "uncertainty_m": round(radius, 1)}


def unsupported_precision(explicit: dict[str, Any], supported: tuple[int | None, int | None], *,
                          min_radius_m: float = 0.0) -> list[tuple[str, str]]:
    """``(field, message)`` for each explicit value finer than the footprint supports.

    ``supported`` is the footprint's own ``(geo_precision, where_prec)``.  Coarser explicit codes
    are fine (caution is allowed); finer ones would draw a footprint as more precise than it is,
    and so would an ``uncertainty_m`` below ``min_radius_m`` (see :func:`min_uncertainty_m`).
    """
    out = []
    for name, floor in zip(("geo_precision", "where_prec"), supported):
        value = explicit.get(name)
        if value is not None and floor is not None and value < floor:
            out.append((name, f"{value} is finer than the location supports ({floor}); "
                              "give an equal or coarser code, or a more precise place or geometry"))
    value = explicit.get("uncertainty_m")
    if value is not None and value < math.floor(min_radius_m):
        out.append(("uncertainty_m", f"{value:g} m is below the footprint's own radius "
                                     f"({min_radius_m:,.0f} m); give at least that"))
    return out


#: Equivalent radii of footprints already measured, by object (a footprint is shared by every record
#: naming the same place, so its geodesic area is computed once, not once per record).
_RADII: dict[int, tuple[Any, float]] = {}
_RADII_MAX = 200_000


def min_uncertainty_m(geom: Any, located: Located | None = None) -> float:
    """Smallest honest ``uncertainty_m`` of a footprint: an area's equivalent radius, else the place's."""
    if geom.geom_type in _POLYGONAL:
        known = _RADII.get(id(geom))
        if known is not None and known[0] is geom:
            return known[1]
        radius = geodesy.equivalent_radius_m(geom)
        if len(_RADII) >= _RADII_MAX:
            _RADII.clear()
        _RADII[id(geom)] = (geom, radius)  # the reference keeps the id from being reused
        return radius
    return float(located.uncertainty_m or 0.0) if located is not None else 0.0


def drawable(located: Located, resolver: PlaceResolver) -> Located | None:
    """``located`` with a point whose codes say "region" replaced by the area they mean.

    A point is a pin only at 1/1.  With coarser codes, ``where_prec`` >= 6 becomes the country-level
    area (as for a country resolved to a point), anything else the geodesic circle of its
    ``uncertainty_m`` when that is beyond the pin limit (its centre stays the record's point).
    ``None`` when neither applies: only the caller knows whether that point may stay (a gazetteer
    place given cautious codes) or claims a precision its own codes deny (a hand-given point).
    """
    geom = located.geometry
    if geom is None or geom.geom_type not in _POINTS or (located.geo_precision == 1 and located.where_prec == 1):
        return located
    radius = float(located.uncertainty_m or 0.0)
    if (located.where_prec or 0) >= COUNTRY_WHERE_PREC:
        area = resolver.country_area(geom, radius)
        return dataclasses.replace(located, geometry=area,
                                   uncertainty_m=max(radius, round(geodesy.equivalent_radius_m(area), 1)))
    if radius <= PIN_MAX_UNCERTAINTY_M:
        return None
    parts = shapely.get_parts(geom)
    circles = geodesy.circles(shapely.get_x(parts), shapely.get_y(parts), np.full(len(parts), radius))
    centre = {}
    if geom.geom_type == "Point" and located.latitude is None:
        centre = {"longitude": geom.x, "latitude": geom.y}
    return dataclasses.replace(located, geometry=circles[0] if len(circles) == 1 else shapely.union_all(circles),
                               **centre)


def coordinate_problems(geom: Any, resolver: PlaceResolver) -> list[str]:
    """What is wrong with a hand-given geometry's coordinates (empty list when nothing)."""
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return ["geometry has no coordinates"]
    if not np.isfinite(coords).all():
        return ["coordinates are not finite numbers"]
    lon, lat = coords[:, 0], coords[:, 1]
    inside = resolver.inside_country(lon, lat)
    swapped_inside = resolver.inside_country(lat, lon)
    looks_swapped = (~inside & swapped_inside).all()
    hint = (
        f"looks swapped: [{lon[0]:g}, {lat[0]:g}] lies outside Syria but [{lat[0]:g}, {lon[0]:g}] "
        "inside it (GeoJSON order is [longitude, latitude])"
    )
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        msg = "coordinates out of range (longitude must be within ±180, latitude within ±90)"
        return [f"{msg}; {hint}" if looks_swapped else msg]
    if looks_swapped:
        return [hint]
    return []
