"""The ``Gazetteer``: resolves place names and relative phrases to honest footprints, offline.

Resolution order: a place id; the exact name index (surface form, then normalised key); a
relative phrase ("30 km from X", "between X and Y", ...) whose anchors are resolved the same way;
the name without generic words ("the village of X"); a blocked fuzzy search; and, only when
asked for, an online geocoder. Below ``settings.MIN_CONFIDENCE`` the answer is unresolved and
carries the best suggestions: the gazetteer never guesses silently.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from . import confidence, geodesy, precision, settings
from .matching import NameIndex
from .model import Alternative, Place, Resolution
from .normalize import normalize
from .phrases import Relation, parse, strip_generic

#: Co-mentioned places: one tuple of (lon, lat, weight) per other mention of the same report.
_Anchors = tuple[tuple[tuple[float, float, float], ...], ...]


def _in_mapped_region(geom: BaseGeometry) -> bool:
    """Whether a geometry lies within the region the project maps (``settings.MAPPED_BBOX``)."""
    return geom.within(shapely.box(*settings.MAPPED_BBOX))


#: Damascus city is a governorate of its own; "the countryside of Damascus" is Rural Damascus.
COUNTRYSIDE_GOVERNORATE = {"SY01": "SY03"}


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
        self._index.freeze()
        self._contexts: dict[str, tuple[frozenset[str], BaseGeometry | None]] = {}
        self._coverage = confidence.coverage(self.places)
        self._memo_alone: dict[tuple, float] = {}
        self._memo_answer: dict[tuple[int, str], tuple] = {}

    def __getstate__(self) -> dict[str, Any]:
        """What the compiled cache keeps: the memos of answered queries start empty in every process."""
        return {**self.__dict__, "_memo_alone": {}, "_memo_answer": {}}

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
        return self._resolve(query, context=context, fuzzy=fuzzy, online=online)

    def _resolve(self, query: str, *, context: str | None, fuzzy: bool = True, online: bool | None = None,
                 anchors: _Anchors = (), depth: int = 0) -> Resolution:
        """The answer to one query; ``depth`` counts the relative phrases this query is an anchor of."""
        query = str(query)
        if len(query) > settings.MAX_QUERY_CHARS:  # before any work: the bound on what one string costs
            return Resolution(query=query, resolved=False, confidence=0.0, context=context,
                              note=f"query too long ({len(query)} characters, at most {settings.MAX_QUERY_CHARS})")
        q = " ".join(query.split())
        if not q:
            return Resolution(query=query, resolved=False, confidence=0.0, note="empty query", context=context)
        if q in self._by_id:
            return self._answer(q, self._by_id[q], 1.0, (), context=context, how="place id")
        res = self._by_name(q, context, fuzzy=False, anchors=anchors)
        if res is None:
            relation = parse(q)
            if relation is not None:
                if depth >= settings.MAX_PHRASE_DEPTH:
                    return self._unresolved(q, context,
                                            f"relative phrases nested more than {settings.MAX_PHRASE_DEPTH} deep")
                res = self._by_relation(q, relation, context, depth)
        if res is None:
            stripped = strip_generic(q)
            if stripped != q:
                res = self._by_name(stripped, context, fuzzy=False, query=q, anchors=anchors)
            if res is None and fuzzy:
                res = self._by_fuzzy_name(stripped, context, query=q, anchors=anchors)
        if res is not None and res.resolved and res.confidence < settings.MIN_CONFIDENCE:
            res = self._unresolved(q, context, f"not sure enough ({res.confidence:.2f}): {res.note or res.name}",
                                   alternatives=res.alternatives)
        if res is not None and res.resolved:
            return self._in_region(res)
        use_online = settings.online() if online is None else online
        if use_online and self.online is not None:
            remote = self.online(q)
            if remote is not None:
                return self._in_region(remote)
        return res if res is not None else self._unresolved(q, context, "no place of that name")

    def _in_region(self, res: Resolution) -> Resolution:
        """The answer, or an unresolved one when its footprint leaves the mapped region
        (``settings.MAPPED_BBOX``). A curated place named as itself keeps its own geometry."""
        own = res.place is not None and res.parse is None and res.geometry is res.place.geometry
        if own or res.geometry is None or _in_mapped_region(res.geometry):
            return res
        return self._unresolved(res.query, res.context, f"{res.name or 'the footprint'} lies outside the mapped "
                                "region (Syria and its neighbours)")

    def resolve_many(self, names: Iterable[str | dict[str, Any]], *, context: str | None = None,
                     joint: bool = True) -> list[Resolution]:
        """Resolve a report's place mentions together: places named together lie together.

        Each name is resolved on its own first; then every name whose answer had homonyms is resolved
        again, pulled toward the places the other names resolved to (or, for names that are
        themselves ambiguous, toward their candidates). ``context`` applies to every name; a name may
        also be ``{"name": ..., "context": ...}``. ``joint=False`` resolves each name alone.
        """
        items = [(n.get("name", ""), n.get("context", context)) if isinstance(n, dict) else (n, context)
                 for n in names]
        out = [self._resolve(name, context=ctx) for name, ctx in items]
        if not joint or len(items) < 2:
            return out
        for _ in range(2):  # a second round lets names settled by the first pull the rest
            groups = [self._anchor_points(r) for r in out]
            again = [i for i, r in enumerate(out) if self._has_homonyms(r)]
            if not again:
                break
            for i in again:
                others = tuple(g for j, g in enumerate(groups) if j != i and g)
                if others:
                    out[i] = self._resolve(items[i][0], context=items[i][1], anchors=others)
        return out

    def _has_homonyms(self, res: Resolution) -> bool:
        """True when other places could answer the same name (worth another look with co-mentions)."""
        return res.ambiguous or (res.place is not None and any(a.score >= 0.9 for a in res.alternatives))

    def _anchor_points(self, res: Resolution) -> tuple[tuple[float, float, float], ...]:
        """What a resolved mention tells the others: its point (small footprints only), or an ambiguous
        mention's candidates with equal shares."""
        if res.resolved and res.place is not None and res.uncertainty_m is not None \
                and res.uncertainty_m <= precision.NEAR_RADIUS_M and not res.place.is_area:
            return ((res.place.lon, res.place.lat, res.confidence),)
        if res.ambiguous:
            places = [self._by_id[a.id] for a in res.alternatives if a.id in self._by_id]
            return tuple((p.lon, p.lat, 1.0 / len(places)) for p in places if not p.is_area)
        return ()

    # --- names ---------------------------------------------------------------------------
    def _by_name(self, name: str, context: str | None, *, fuzzy: bool, query: str | None = None,
                 anchors: _Anchors = ()) -> Resolution | None:
        query = query or name
        on_surface, by_key, key = self._index.lookup(name)
        if on_surface or by_key:
            if not context and not anchors and len(on_surface) + len(by_key) == 1:
                # One place holds the name and nothing else weighs in: the common case, kept cheap.
                spelt = bool(on_surface)
                res = self._alone(query, self.places[on_surface[0] if spelt else by_key[0]],
                                  confidence.match_quality(key, key, surface=spelt), fuzzy=False, surface=spelt,
                                  how="exact name")
                if res is not None:
                    return res
            cands = [(self.places[i], confidence.match_quality(key, key, surface=True)) for i in on_surface]
            cands += [(self.places[i], confidence.match_quality(key, key, surface=False)) for i in by_key]
            return self._rank(query, cands, context, how="exact name", anchors=anchors,
                              surface=frozenset(self.places[i].id for i in on_surface))
        return self._by_fuzzy_name(name, context, query=query, anchors=anchors) if fuzzy else None

    def _by_fuzzy_name(self, name: str, context: str | None, *, query: str, anchors: _Anchors = ()) -> Resolution | None:
        found = self._index.fuzzy(name, limit=settings.MAX_ALTERNATIVES + 3)
        if not found:
            return None
        key = normalize(name)
        scored: dict[int, float] = {}
        for cand_key, _ in found:
            quality = confidence.match_quality(key, cand_key, surface=False)
            for i in self._index.entries_of(cand_key):
                scored[i] = max(scored.get(i, 0.0), quality)
        return self._rank(query, [(self.places[i], s) for i, s in scored.items()], context, how="fuzzy name",
                          anchors=anchors)

    def _in_context(self, places: Sequence[Place], context: str | None) -> list[float] | None:
        """Per candidate: 1 inside the context, 0 outside it, 0.5 when it cannot say; None without context."""
        if not context:
            return None
        govs, footprint = self._context(context)
        if not govs and footprint is None:
            return None
        district = normalize(context)
        out = []
        for p in places:
            if p.country not in ("SY", None) or (p.governorate is None and p.is_area):
                out.append(0.5)  # the context speaks of Syria; a foreign place or a wide region is neither in nor out
                continue
            inside = (p.governorate in govs or p.id in govs
                      or (p.admin2 is not None and normalize(p.admin2) == district)
                      or (footprint is not None and not p.is_area
                          and footprint.intersects(geodesy.point(p.lon, p.lat))))
            out.append(1.0 if inside else 0.0)
        return out

    def _rank(self, query: str, cands: list[tuple[Place, float]], context: str | None, *, how: str,
              surface: frozenset[str] = frozenset(), anchors: _Anchors = ()) -> Resolution:
        """Weigh every candidate against the others and against a place the gazetteer does not know.

        ``surface`` holds the ids matched by the query's own spelling (not only its normalised key).
        Candidates are few (a name's homonyms, or a fuzzy search's best keys): plain Python beats numpy.
        """
        fuzzy = how == "fuzzy name"
        if len(cands) == 1 and not context and not anchors:  # fast path: nothing to weigh it against
            place, q = cands[0]
            res = self._alone(query, place, q, fuzzy=fuzzy, surface=place.id in surface, how=how)
            if res is not None:
                return res
        places = [p for p, _ in cands]
        quality = [q for _, q in cands]
        asked = confidence.asked_types(query)
        power = 0.5 if fuzzy else 1.0  # famous names have standard spellings: rank helps a near-miss less
        prior = [confidence.rank_prior(p) ** power for p in places]
        kind = [confidence.type_factor(p, asked, fuzzy=fuzzy) * confidence.abroad_factor(p, surface=p.id in surface)
                for p in places]
        inside = self._in_context(places, context)
        gain = {1.0: confidence.CONTEXT_GAIN, 0.0: confidence.CONTEXT_MISS, 0.5: 1.0}
        joint = confidence.joint_factor(np.array([p.lon for p in places]), np.array([p.lat for p in places]),
                                        anchors).tolist() if anchors else [1.0] * len(places)
        weight = [q ** confidence.QUALITY_POWER * pr * k * (gain[inside[i]] if inside else 1.0) * joint[i]
                  for i, (q, pr, k) in enumerate(zip(quality, prior, kind))]
        order = sorted(range(len(places)), key=lambda i: -weight[i])
        heads, _ = confidence.distinct_places(places, order)
        total = sum(weight[i] for i in heads) + confidence.unknown_weight(self._coverage)
        share = {h: weight[h] / total for h in heads}
        best = order[0]
        place = places[best]
        rivals = [i for i in heads[1:] if share[i] >= confidence.RIVAL_SHARE * share[best]]
        conf = min(quality[best], share[best], confidence.bare_name_cap(place, asked))
        outside = inside is not None and inside[best] == 0.0
        if outside:
            conf = min(conf, confidence.OUTSIDE_CONTEXT_CAP)
        # Answers list at most MAX_ALTERNATIVES (see _answer, _ambiguous, _unresolved): build no more.
        alternatives = tuple(Alternative(places[i].id, places[i].name, quality[i], places[i].feature_type,
                                         places[i].governorate) for i in heads[1:settings.MAX_ALTERNATIVES + 1])
        notes = [f"spelling corrected from {query!r}"] if fuzzy else []
        if rivals:
            govs = ", ".join(sorted({str(places[i].governorate) for i in (best, *rivals)}))
            reason = self._reason(best, rivals[0], inside=inside, joint=joint, kind=kind)
            notes.append(f"ambiguous: {len(rivals) + 1} places share this name ({govs}); "
                         + (f"chosen by {reason}" if conf >= settings.MIN_CONFIDENCE else "give a context to choose"))
        elif inside is not None and inside[best] == 1.0 and len(heads) > 1:
            notes.append("chosen by context")
        elif anchors and len(heads) > 1 and joint[best] > 1.5 * joint[heads[1]]:
            notes.append("homonyms: chosen by the places named with it")
        if outside:
            notes.append(f"no such place known in {context!r}")
        note = "; ".join(notes)
        if conf < settings.MIN_CONFIDENCE:
            best_alt = Alternative(place.id, place.name, quality[best], place.feature_type, place.governorate)
            if rivals and quality[best] >= settings.MIN_CONFIDENCE and not outside:
                return self._ambiguous(query, context, note, (best_alt, *alternatives))
            return self._unresolved(query, context, note or "no confident match", alternatives=(best_alt, *alternatives))
        return self._answer(query, place, conf, alternatives, context=context, how=how, note=note)

    def _alone(self, query: str, place: Place, quality: float, *, fuzzy: bool, surface: bool,
               how: str) -> Resolution | None:
        """The answer when one place is the only candidate and no context or co-mention weighs in;
        None when it is not sure enough (``_rank`` then says why). Without type words in the query
        the confidence depends on the place and the match only, so it is remembered."""
        if confidence.asked_types(query):
            conf = confidence.alone(place, quality, query, fuzzy=fuzzy, surface=surface, cover=self._coverage)
        else:
            memo = (id(place), quality, fuzzy, surface)
            conf = self._memo_alone.get(memo)
            if conf is None:
                conf = self._memo_alone[memo] = confidence.alone(place, quality, query, fuzzy=fuzzy, surface=surface,
                                                                 cover=self._coverage)
        if conf < settings.MIN_CONFIDENCE:
            return None
        return self._answer(query, place, conf, (), context=None, how=how,
                            note=f"spelling corrected from {query!r}" if fuzzy else "")

    @staticmethod
    def _reason(best: int, rival: int, *, inside: list[float] | None, joint: list[float], kind: list[float]) -> str:
        """Which evidence told the best candidate from its rival, in the order the evidence is trusted."""
        if inside is not None and inside[best] > inside[rival]:
            return "context"
        if joint[best] > joint[rival] * 1.5:
            return "the places named with it"
        if kind[best] > kind[rival]:
            return "feature type"
        return "size/rank (give a context to be sure)"

    def _ambiguous(self, query: str, context: str | None, note: str, alternatives: tuple[Alternative, ...]) -> Resolution:
        """A toss-up between known homonyms: unresolved, flagged, every candidate with its governorate."""
        return Resolution(query=query, resolved=False, confidence=0.0, note=note, context=context,
                          alternatives=alternatives[: settings.MAX_ALTERNATIVES], ambiguous=True)

    def _answer(self, query: str, place: Place, confidence: float, alternatives: tuple[Alternative, ...], *,
                context: str | None, how: str, note: str = "") -> Resolution:
        parts = self._memo_answer.get((id(place), how))
        if parts is None:  # what every answer naming this place shares, worked out once
            radius = place.footprint_radius_m
            parts = self._memo_answer[(id(place), how)] = (
                place.geometry, max(place.uncertainty_m, radius if place.is_area else 0.0),
                *precision.codes(place.feature_type, radius),
                f"{how}; {place.source}" + (f"; {place.shape_note}" if place.shape_note else ""))
        geom, uncertainty, geo_p, where_p, provenance = parts
        return Resolution(query=query, resolved=True, confidence=confidence, place=place, geometry=geom,
                          name=place.name, feature_type=place.feature_type, governorate=place.governorate,
                          uncertainty_m=uncertainty, geo_precision=geo_p, where_prec=where_p,
                          alternatives=alternatives[: settings.MAX_ALTERNATIVES], provenance=provenance,
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
    def _by_relation(self, query: str, rel: Relation, context: str | None, depth: int = 0) -> Resolution | None:
        """The footprint of a parsed phrase; its anchors are resolved one level deeper."""
        if rel.kind == "possessive":
            name, owner = rel.anchors
            owner_res = self._resolve(owner, context=None, fuzzy=False, depth=depth + 1)
            if not owner_res.resolved:
                return None
            return self._by_name(name, owner, fuzzy=True, query=query)
        parsed = {"phrase": rel.phrase, "relation": rel.kind, "anchors": list(rel.anchors)}
        if rel.distance_km is not None and not rel.distance_km <= settings.MAX_DISTANCE_KM:  # also NaN, inf
            return Resolution(query=query, resolved=False, confidence=0.0, context=context, parse=parsed,
                              note=f"a distance of {rel.distance_km:.6g} km is beyond what reports mean "
                                   f"(at most {settings.MAX_DISTANCE_KM:g} km)")
        anchors = [self._resolve(a, context=context, depth=depth + 1) for a in rel.anchors]
        failed = [(a, r) for a, r in zip(rel.anchors, anchors) if not r.resolved]
        if failed:
            a, r = failed[0]
            # A nested phrase's own anchor note names the innermost failure: pass it up as it is.
            note = r.note if r.note.startswith("anchor ") else \
                f"anchor {a!r} of the phrase is unresolved" + (f": {r.note}" if r.note else "")
            return Resolution(query=query, resolved=False, confidence=0.0, alternatives=r.alternatives,
                              context=context, note=note, parse=parsed)
        abroad = [a for a in anchors if not _in_mapped_region(geodesy.point(*a.representative_point))]
        if abroad:  # a footprint around a place abroad would leave the region (or the map: "northern Russia")
            return Resolution(query=query, resolved=False, confidence=0.0, context=context, parse=parsed,
                              note=f"anchor {abroad[0].name!r} lies outside the mapped region (Syria and its neighbours)")
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
