"""A tiny stand-in for the project's gazetteer, with the same interface, for unit tests.

It lets the geo tests pin exact coordinates and odd cases (a country that only has a point, a
place outside Syria) independently of the real gazetteer's data.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import Point, Polygon, box


@dataclass
class FakePlace:
    id: str
    name: str
    feature_type: str
    geometry: Any
    lat: float
    lon: float
    governorate: str | None = None
    uncertainty_m: float = 0.0
    geo_precision: int = 1
    where_prec: int = 1
    aliases: tuple[str, ...] = ()


@dataclass
class FakeAlternative:
    id: str
    name: str
    score: float


@dataclass
class FakeResolution:
    resolved: bool
    id: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    geometry: Any = None
    confidence: float = 0.0
    feature_type: str | None = None
    governorate: str | None = None
    geo_precision: int | None = None
    where_prec: int | None = None
    uncertainty_m: float | None = None
    alternatives: list[FakeAlternative] = field(default_factory=list)
    provenance: str = "fake"
    parse: dict | None = None

    def to_dict(self) -> dict:
        return {"resolved": self.resolved, "id": self.id, "name": self.name}


def _point(pid: str, name: str, lon: float, lat: float, **kw: Any) -> FakePlace:
    return FakePlace(pid, name, kw.pop("feature_type", "town"), Point(lon, lat), lat, lon, **kw)


def _area(pid: str, name: str, poly: Any, feature_type: str, **kw: Any) -> FakePlace:
    rep = poly.representative_point()
    return FakePlace(pid, name, feature_type, poly, rep.y, rep.x, **kw)


SYRIA_OUTLINE = Polygon([(35.7, 32.3), (42.3, 32.3), (42.3, 37.3), (35.7, 37.3)])

PLACES = [
    _point("humaira", "al-Humaira", 37.10, 34.20, governorate="SY04", aliases=("humaira",)),
    _point("hafar", "al-Hafar", 37.20, 34.25, governorate="SY04"),
    _point("tanf_garrison", "al-Tanf garrison", 38.6333, 33.5014, feature_type="base", governorate="SY04",
           aliases=("tanf", "al-tanf")),
    _point("bukamal", "al-Bukamal", 40.9167, 34.4500, governorate="SY09", aliases=("abu kamal",)),
    _point("damascus", "Damascus", 36.2913, 33.5130, feature_type="city", governorate="SY01",
           uncertainty_m=5000.0, geo_precision=1, where_prec=1),
    _point("baghdad", "Baghdad", 44.3661, 33.3152, feature_type="city"),
    _area("zone_55km", "55 km deconfliction zone", Point(38.6333, 33.5014).buffer(0.5), "zone",
          governorate="SY04", uncertainty_m=0.0, geo_precision=3, where_prec=5, aliases=("55 km zone",)),
    _area("homs_desert", "Homs desert", box(37.0, 33.8, 39.5, 35.0), "region", governorate="SY04",
          uncertainty_m=60000.0, geo_precision=3, where_prec=4),
    _area("SY", "Syria", SYRIA_OUTLINE, "country", uncertainty_m=300000.0, geo_precision=3, where_prec=6),
    # A country known only by a point: must never become a pin.
    _point("IQ", "Iraq", 43.7, 33.0, feature_type="country", uncertainty_m=400000.0, geo_precision=3,
           where_prec=6),
]


class FakeGazetteer:
    """Resolves ids, names, aliases and "between X and Y"; everything else is unresolved."""

    def __init__(self, places: list[FakePlace] | None = None):
        self.places = list(PLACES if places is None else places)
        self._by_key: dict[str, FakePlace] = {}
        for p in self.places:
            for key in (p.id, p.name, *p.aliases):
                self._by_key[key.lower()] = p
        self.calls: list[tuple[str, str | None]] = []

    def get(self, place_id: str) -> FakePlace | None:
        return next((p for p in self.places if p.id == place_id), None)

    def _answer(self, p: FakePlace) -> FakeResolution:
        return FakeResolution(True, p.id, p.name, p.lat, p.lon, p.geometry, 0.9, p.feature_type,
                              p.governorate, p.geo_precision, p.where_prec, p.uncertainty_m)

    def resolve(self, query: str, context: str | None = None) -> FakeResolution:
        self.calls.append((query, context))
        key = query.strip().lower()
        if key in self._by_key:
            return self._answer(self._by_key[key])
        between = re.match(r"^between (.+) and (.+)$", key)
        if between and between[1] in self._by_key and between[2] in self._by_key:
            a, b = self._by_key[between[1]], self._by_key[between[2]]
            hull = shapely.MultiPoint([a.geometry, b.geometry]).convex_hull.buffer(0.05)
            rep = hull.representative_point()
            return FakeResolution(True, None, query, rep.y, rep.x, hull, 0.6, "relative", a.governorate,
                                  2, 5, 8000.0, parse={"relation": "between", "anchors": [a.id, b.id]})
        names = {p.name.lower(): p for p in self.places}
        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.5)
        alts = [FakeAlternative(names[c].id, names[c].name, 0.5) for c in close]
        return FakeResolution(False, alternatives=alts)
