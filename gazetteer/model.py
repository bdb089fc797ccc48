"""The gazetteer's value types: a ``Place`` and the ``Resolution`` of a query."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import shapely
from shapely.geometry.base import BaseGeometry

from . import geodesy, settings

#: Feature types that are areas by nature: never drawn as a pin, whatever their data says.
AREA_TYPES = frozenset({"region", "area", "zone", "governorate", "country", "desert", "mountain_range"})


@dataclass(eq=False, slots=True)
class Place:
    """One gazetteer entry. ``shape`` is set for areas and zones; points have lon/lat only."""

    id: str
    name: str
    feature_type: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    governorate: str | None = None
    country: str | None = None
    uncertainty_m: float = 0.0
    source: str = ""
    population: int | None = None
    shape: BaseGeometry | None = None
    shape_note: str = ""
    _footprint: BaseGeometry | None = field(default=None, repr=False)
    _radius: float | None = field(default=None, repr=False)
    #: Every source the entry was merged from, as "name (licence)"; ``source`` is their summary.
    sources: tuple[str, ...] = ()
    #: "abandoned", "destroyed" or "historical" for places GeoNames marks so (PPLQ/PPLW/PPLH).
    status: str | None = None
    #: The district (admin-2) name an imported source gives: context for telling homonyms apart.
    admin2: str | None = None

    @property
    def is_area(self) -> bool:
        return self.shape is not None or self.feature_type in AREA_TYPES

    @property
    def geometry(self) -> BaseGeometry:
        """What the map may honestly draw: the area, a pin for a precise point, else a circle."""
        if self._footprint is None:
            if self.shape is not None:
                self._footprint = self.shape
            elif self.uncertainty_m > settings.PIN_MAX_UNCERTAINTY_M:
                self._footprint = geodesy.circle(self.lon, self.lat, self.uncertainty_m)
            else:
                self._footprint = geodesy.point(self.lon, self.lat)
        return self._footprint

    @property
    def footprint_radius_m(self) -> float:
        """Equivalent radius of what is drawn: the uncertainty for pins, else from the geodesic area."""
        if self._radius is None:
            geom = self.geometry
            self._radius = self.uncertainty_m if geom.geom_type == "Point" else geodesy.equivalent_radius_m(geom)
        return self._radius

    @property
    def provenance(self) -> str:
        return self.source


class Alternative(NamedTuple):
    """A ranked candidate that was not chosen (or the suggestions of an unresolved query)."""

    id: str
    name: str
    score: float
    feature_type: str
    governorate: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": round(self.score, 3),
                "feature_type": self.feature_type, "governorate": self.governorate}


@dataclass(slots=True)
class Resolution:
    """The answer to a query: a place, a footprint built from a relative phrase, or unresolved.

    Treat it as read-only. It is not a frozen dataclass only because frozen construction costs
    more than the rest of an exact lookup.
    """

    query: str
    resolved: bool
    confidence: float
    place: Place | None = None
    geometry: BaseGeometry | None = None
    name: str | None = None
    feature_type: str | None = None
    governorate: str | None = None
    uncertainty_m: float | None = None
    geo_precision: int | None = None
    where_prec: int | None = None
    alternatives: tuple[Alternative, ...] = ()
    provenance: str = ""
    parse: dict[str, Any] | None = None
    note: str = ""
    context: str | None = None
    #: A toss-up between known homonyms: unresolved, the candidates (with governorates) in ``alternatives``.
    ambiguous: bool = False

    @property
    def id(self) -> str | None:
        return self.place.id if self.place is not None else None

    @property
    def lat(self) -> float | None:
        pt = self.representative_point
        return None if pt is None else pt[1]

    @property
    def lon(self) -> float | None:
        pt = self.representative_point
        return None if pt is None else pt[0]

    @property
    def representative_point(self) -> tuple[float, float] | None:
        """(lon, lat): the place's own point, else a point inside the footprint."""
        if self.place is not None and self.parse is None:
            return (self.place.lon, self.place.lat)
        if self.geometry is None:
            return None
        if self.parse and "point" in self.parse:
            return tuple(self.parse["point"])
        p = self.geometry.representative_point() if self.geometry.geom_type != "Point" else self.geometry
        return (p.x, p.y)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict: the CLI's output format."""
        lon_lat = self.representative_point
        return {
            "query": self.query,
            "context": self.context,
            "resolved": self.resolved,
            "id": self.id,
            "name": self.name,
            "lat": None if lon_lat is None else round(lon_lat[1], 6),
            "lon": None if lon_lat is None else round(lon_lat[0], 6),
            "geometry": None if self.geometry is None else shapely.geometry.mapping(
                shapely.set_precision(self.geometry, 1e-6)),
            "confidence": round(self.confidence, 3),
            "feature_type": self.feature_type,
            "governorate": self.governorate,
            "geo_precision": self.geo_precision,
            "where_prec": self.where_prec,
            "uncertainty_m": None if self.uncertainty_m is None else round(self.uncertainty_m),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "provenance": self.provenance,
            "parse": self.parse,
            "note": self.note,
            "ambiguous": self.ambiguous,
        }
