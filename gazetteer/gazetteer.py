"""The ``Gazetteer``: resolves place names and relative phrases to honest footprints, offline.

Resolution order: a place id; the exact name index (surface form, then normalised key); a
relative phrase ("30 km from X", "between X and Y", ...) whose anchors are resolved the same way;
the name without generic words ("the village of X"); a blocked fuzzy search; and, only when
asked for, an online geocoder. Below ``settings.MIN_CONFIDENCE`` the answer is unresolved and
carries the best suggestions: the gazetteer never guesses silently.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from shapely.geometry.base import BaseGeometry

from . import geodesy, loading, precision, settings
from .matching import NameIndex
from .model import Alternative, Place, Resolution
from .phrases import Relation, parse, strip_generic

#: Damascus city is a governorate of its own; "the countryside of Damascus" is Rural Damascus.
COUNTRYSIDE_GOVERNORATE = {"SY01": "SY03"}
_SETTLEMENTS = frozenset({"city", "town", "village", "capital", "camp"})
_EXACT_CONFIDENCE = 0.97
_AMBIGUOUS_CONFIDENCE = settings.MIN_CONFIDENCE


class Gazetteer:
    """Places indexed by every name they go by. Build with ``load_gazetteer()`` (cached)."""

    def __init__(self, places: Sequence[Place], *, attribution: Sequence[str] = (),
                 boundaries: str | None = None, online: Callable[[str], Resolution | None] | None = None):
        self.places: list[Place] = list(places)
        self.attribution = tuple(attribution)
        self.boundaries = boundaries
        self.online = online
        self._by_id = {p.id: p for p in self.places}
        self._index = NameIndex()
        # Governorates go last and only under names no settlement holds: bare "Homs" is the city.
        for i, p in enumerate(self.places):
            if p.feature_type != "governorate":
                self._index.add(i, (p.name, *p.aliases))
        for i, p in enumerate(self.places):
            if p.feature_type == "governorate":
                self._index.add(i, (f"{p.name} governorate", f"{p.name} province", f"{p.name} Governorate"))
                self._index.add(i, (p.name, *p.aliases), only_new_keys=True)
        self._contexts: dict[str, tuple[frozenset[str], BaseGeometry | None]] = {}

    # --- lookup --------------------------------------------------------------------------
    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def __getitem__(self, place_id: str) -> Place:
        return self._by_id[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    def __len__(self) -> int:
        return len(self.places)

    @property
    def name_count(self) -> int:
        """How many distinct normalised names the index holds."""
        return len(self._index)

    @property
    def index(self) -> NameIndex:
        return self._index

    def governorates(self) -> list[Place]:
        return [p for p in self.places if p.feature_type == "governorate"]

    # --- resolution ----------------------------------------------------------------------
    def resolve(self, query: str, *, context: str | None = None, fuzzy: bool = True,
                online: bool | None = None) -> Resolution:
        """Resolve a name or relative phrase; ``context`` (a region, governorate or phrase) steers ranking."""
        q = " ".join(str(query).split())
        if not q:
            return Resolution(query=query, resolved=False, confidence=0.0, note="empty query", context=context)
        if q in self._by_id:
            return self._answer(q, self._by_id[q], 1.0, (), context=context, how="place id")
        res = self._by_name(q, context, fuzzy=False)
        if res is None:
            relation = parse(q)
            if relation is not None:
                res = self._by_relation(q, relation, context)
        if res is None:
            stripped = strip_generic(q)
            if stripped != q:
                res = self._by_name(stripped, context, fuzzy=False, query=q)
            if res is None and fuzzy:
                res = self._by_fuzzy_name(stripped, context, query=q)
        if res is not None and res.resolved:
            return res
        use_online = settings.ONLINE if online is None else online
        if use_online and self.online is not None:
            remote = self.online(q)
            if remote is not None:
                return remote
        return res if res is not None else self._unresolved(q, context, "no place of that name")

    def resolve_many(self, queries: Iterable[str | dict[str, Any]]) -> list[Resolution]:
        """Resolve in order; a query may be a string or ``{"name": ..., "context": ...}``."""
        out = []
        for q in queries:
            if isinstance(q, dict):
                out.append(self.resolve(q.get("name", ""), context=q.get("context")))
            else:
                out.append(self.resolve(q))
        return out

    # --- names ---------------------------------------------------------------------------
    def _by_name(self, name: str, context: str | None, *, fuzzy: bool, query: str | None = None) -> Resolution | None:
        query = query or name
        entries = self._index.exact(name)
        if entries:
            return self._rank(query, [(self.places[i], 100.0) for i in entries], context, how="exact name")
        return self._by_fuzzy_name(name, context, query=query) if fuzzy else None

    def _by_fuzzy_name(self, name: str, context: str | None, *, query: str) -> Resolution | None:
        found = self._index.fuzzy(name, limit=settings.MAX_ALTERNATIVES + 3)
        if not found:
            return None
        scored: dict[int, float] = {}
        for key, score in found:
            for i in self._index.entries_of(key):
                scored[i] = max(scored.get(i, 0.0), score)
        return self._rank(query, [(self.places[i], s) for i, s in scored.items()], context, how="fuzzy name")

    def _rank(self, query: str, cands: list[tuple[Place, float]], context: str | None, *, how: str) -> Resolution:
        fuzzy = how == "fuzzy name"
        if len(cands) == 1:  # the common case: one place has this name (or this near-spelling)
            place, s = cands[0]
            if not fuzzy:
                return self._answer(query, place, _EXACT_CONFIDENCE, (), context=context, how=how)
            if s * 0.009 >= settings.MIN_CONFIDENCE:
                return self._answer(query, place, s * 0.009, (), context=context, how=how,
                                    note=f"spelling corrected from {query!r}")
        govs, footprint = self._context(context) if context else (frozenset(), None)

        def score(item: tuple[Place, float]) -> tuple[float, float]:
            place, s = item
            bonus = 0.0
            if govs and (place.governorate in govs or place.id in govs):
                bonus += 20.0
            if footprint is not None and not place.is_area and footprint.intersects(geodesy.point(place.lon, place.lat)):
                bonus += 10.0
            prominence = (2.0 if not place.id.startswith("gn:") else 0.0) + min((place.population or 0) / 1e6, 1.0)
            return (s + bonus, prominence)

        scored = sorted(((score(c), c) for c in cands), key=lambda sc: sc[0], reverse=True)
        ranked = [c for _, c in scored]
        best, best_score = ranked[0]
        alternatives = tuple(Alternative(p.id, p.name, s / 100.0, p.feature_type, p.governorate)
                             for p, s in ranked[1:settings.MAX_ALTERNATIVES + 1])
        top = scored[0][0][0]
        rivals = [c for (sc, c) in scored[1:] if top - sc[0] < 5.0 and c[1] >= best_score - 5.0]
        if fuzzy:
            confidence = best_score * 0.009  # a corrected spelling is never as sure as an exact one
            note = f"spelling corrected from {query!r}"
        else:
            confidence = _EXACT_CONFIDENCE
            note = ""
        if rivals:
            confidence = min(confidence, _AMBIGUOUS_CONFIDENCE)
            gov_list = ", ".join(sorted({str(p.governorate) for p, _ in [ranked[0], *rivals]}))
            note = (note + "; " if note else "") + (
                f"ambiguous: {len(rivals) + 1} places share this name ({gov_list}); give a context to choose")
        elif govs and len(ranked) > 1:
            note = (note + "; " if note else "") + "chosen by context"
        if confidence < settings.MIN_CONFIDENCE:
            return self._unresolved(query, context, note or "no confident match",
                                    alternatives=(Alternative(best.id, best.name, best_score / 100.0,
                                                              best.feature_type, best.governorate), *alternatives))
        return self._answer(query, best, confidence, alternatives, context=context, how=how, note=note)

    def _answer(self, query: str, place: Place, confidence: float, alternatives: tuple[Alternative, ...], *,
                context: str | None, how: str, note: str = "") -> Resolution:
        geom = place.geometry
        radius = place.footprint_radius_m
        geo_p, where_p = precision.codes(place.feature_type, radius)
        return Resolution(query=query, resolved=True, confidence=confidence, place=place, geometry=geom,
                          name=place.name, feature_type=place.feature_type, governorate=place.governorate,
                          uncertainty_m=max(place.uncertainty_m, radius if place.is_area else 0.0),
                          geo_precision=geo_p, where_prec=where_p,
                          alternatives=alternatives[: settings.MAX_ALTERNATIVES],
                          provenance=f"{how}; {place.source}" + (f"; {place.shape_note}" if place.shape_note else ""),
                          note=note, context=context)

    def _unresolved(self, query: str, context: str | None, note: str,
                    alternatives: tuple[Alternative, ...] = ()) -> Resolution:
        if not alternatives:
            found = self._index.fuzzy(strip_generic(query), limit=settings.MAX_ALTERNATIVES, cutoff=50.0)
            seen: dict[str, Alternative] = {}
            for key, s in found:
                for i in self._index.entries_of(key):
                    p = self.places[i]
                    seen.setdefault(p.id, Alternative(p.id, p.name, s / 100.0, p.feature_type, p.governorate))
            alternatives = tuple(seen.values())
        return Resolution(query=query, resolved=False, confidence=0.0, note=note, context=context,
                          alternatives=alternatives[: settings.MAX_ALTERNATIVES])

    def _context(self, context: str) -> tuple[frozenset[str], BaseGeometry | None]:
        """Governorates and footprint a context names; cached, since reports repeat them."""
        if context not in self._contexts:
            res = self.resolve(context, fuzzy=True)
            govs: set[str] = set()
            if res.resolved:
                if res.feature_type == "governorate" and res.place is not None:
                    govs.add(res.place.id)
                if res.governorate:
                    govs.add(res.governorate)
                if res.parse:
                    govs.update(g for g in res.parse.get("governorates", ()) if g)
            self._contexts[context] = (frozenset(govs), res.geometry if res.resolved else None)
        return self._contexts[context]

    # --- relative phrases ----------------------------------------------------------------
    def _by_relation(self, query: str, rel: Relation, context: str | None) -> Resolution | None:
        if rel.kind == "possessive":
            name, owner = rel.anchors
            owner_res = self.resolve(owner, fuzzy=False)
            if not owner_res.resolved:
                return None
            return self._by_name(name, owner, fuzzy=True, query=query)
        anchors = [self.resolve(a, context=context) for a in rel.anchors]
        failed = [(a, r) for a, r in zip(rel.anchors, anchors) if not r.resolved]
        if failed:
            a, r = failed[0]
            return Resolution(query=query, resolved=False, confidence=0.0, alternatives=r.alternatives,
                              context=context, note=f"anchor {a!r} of the phrase is unresolved",
                              parse={"phrase": rel.phrase, "relation": rel.kind, "anchors": list(rel.anchors)})
        geom, point, ftype, name = self._footprint(rel, anchors)
        radius = geodesy.equivalent_radius_m(geom)
        geo_p, where_p = precision.codes(ftype, radius)  # the footprint already holds the anchors' uncertainty
        geo_p = max(geo_p, 2)  # a place described relative to another is never "the place itself"
        govs = sorted({a.governorate for a in anchors if a.governorate})
        note = ""
        if rel.kind == "countryside" and not self.boundaries:
            note = "no imported governorate boundaries: footprint cut from an approximate extent (wider than the real one)"
        return Resolution(
            query=query, resolved=True, confidence=min(a.confidence for a in anchors) * 0.95, geometry=geom,
            name=name, feature_type=ftype, governorate=govs[0] if len(govs) == 1 else None, uncertainty_m=radius,
            geo_precision=geo_p, where_prec=where_p, context=context, note=note,
            provenance="relative phrase; anchors: " + "; ".join(f"{a.name} ({a.provenance})" for a in anchors),
            parse={"phrase": rel.phrase, "relation": rel.kind, "anchors": [a.id or a.name for a in anchors],
                   "distance_km": rel.distance_km, "direction": rel.direction, "point": list(point),
                   "governorates": govs})

    def _footprint(self, rel: Relation, anchors: list[Resolution]) -> tuple[BaseGeometry, tuple[float, float], str, str]:
        """(geometry, representative lon/lat, feature type, display name) of a relation."""
        a = anchors[0]
        lon, lat = a.representative_point
        unc = a.uncertainty_m or 0.0
        if rel.kind == "distance":
            km = rel.distance_km or 0.0
            tol = max(km * settings.DISTANCE_TOL, settings.DISTANCE_MIN_TOL_KM) * 1000
            if rel.direction:
                dlon, dlat = geodesy.destination(lon, lat, geodesy.BEARINGS[rel.direction], km * 1000)
                return (geodesy.circle(dlon, dlat, max(unc, tol)), (dlon, dlat), "footprint",
                        f"{km:g} km {rel.direction} of {a.name}")
            base = a.geometry if a.geometry.geom_type != "Point" or unc <= settings.PIN_MAX_UNCERTAINTY_M \
                else geodesy.point(lon, lat)
            inner = max(km * 1000 - tol, 0.0)
            geom = geodesy.ring(base, inner, km * 1000 + tol + (unc if base.geom_type == "Point" else 0.0))
            rp = geom.representative_point()
            return geom, (rp.x, rp.y), "footprint", f"{km:g} km from {a.name}"
        if rel.kind == "between":
            b = anchors[1]
            blon, blat = b.representative_point
            d = geodesy.distance_m(lon, lat, blon, blat)
            half = max(d * settings.BETWEEN_WIDTH, 2_000.0, unc, b.uncertainty_m or 0.0)
            geom = geodesy.corridor((lon, lat), (blon, blat), half)
            az = geodesy.GEOD.inv(lon, lat, blon, blat)[0]
            mid = geodesy.destination(lon, lat, az, d / 2)
            return geom, mid, "footprint", f"between {a.name} and {b.name}"
        if rel.kind in ("near", "outskirts"):
            reach = (settings.NEAR_KM if rel.kind == "near" else settings.OUTSKIRTS_KM) * 1000
            if a.geometry.geom_type != "Point" and (a.place is None or a.place.is_area):
                geom = geodesy.buffer(a.geometry, reach)
            else:
                geom = geodesy.circle(lon, lat, unc + reach)
            return geom, (lon, lat), "footprint", f"{rel.kind} {a.name}"
        if rel.kind == "direction_of":
            geom = geodesy.sector(lon, lat, geodesy.BEARINGS[rel.direction], settings.DIRECTION_OF_KM * 1000 + unc)
            rp = geom.representative_point()
            return geom, (rp.x, rp.y), "footprint", f"{rel.direction} of {a.name}"
        if rel.kind == "countryside":
            gov = self._governorate_of(a)
            area = gov.geometry if gov is not None else a.geometry
            label = gov.name if gov is not None else a.name
            if rel.direction:
                area = geodesy.part_of(area, rel.direction)
            rp = area.representative_point()
            name = f"{rel.direction + 'ern ' if rel.direction and rel.direction != 'central' else ''}countryside of {label}"
            return area, (rp.x, rp.y), "governorate" if not rel.direction else "governorate_part", name
        if rel.kind == "part_of":
            area = a.geometry
            if area.geom_type == "Point" or not (a.place is None or a.place.is_area):
                area = geodesy.circle(lon, lat, max(unc, settings.OUTSKIRTS_KM * 1000))
            part = geodesy.part_of(area, rel.direction)
            rp = part.representative_point()
            ftype = "country_part" if a.feature_type == "country" else "footprint"
            return part, (rp.x, rp.y), ftype, f"{rel.direction} part of {a.name}"
        raise ValueError(f"unknown relation {rel.kind!r}")

    def _governorate_of(self, res: Resolution) -> Place | None:
        if res.place is not None and res.place.feature_type == "governorate":
            return res.place
        pcode = res.governorate
        pcode = COUNTRYSIDE_GOVERNORATE.get(pcode, pcode)
        return self._by_id.get(pcode) if pcode else None


def build(*, curated_dir=None, online: Callable[[str], Resolution | None] | None = None) -> Gazetteer:
    """Load and validate every source; raise ``DataError`` listing all problems at once."""
    from .errors import DataError

    curated_dir = curated_dir or settings.CURATED_DIR
    problems: list[str] = []
    governorates = loading.load_governorates(curated_dir / "governorates.yaml", problems)
    curated = loading.load_curated(curated_dir / "places.yaml", {g.id for g in governorates}, problems)
    if problems:
        raise DataError(problems)
    for place in curated:  # Syria itself is drawn with its outline, not a circle
        if place.feature_type == "country" and place.country == "SY":
            place.shape, place.shape_note = loading.country_outline(), "country outline (countryinfo package)"
    geonames, attribution = loading.load_geonames(curated)
    boundaries = loading.apply_boundaries(governorates, curated + geonames)
    return Gazetteer(governorates + curated + geonames, attribution=(attribution,), boundaries=boundaries,
                     online=online)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The project's gazetteer, loaded once per process."""
    return build()

