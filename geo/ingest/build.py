"""From a report's zoned sentences to candidate records: who did what, where, when, on what evidence.

One candidate per event cue and sentence, then merged: the same kind at the same places (a
duplicated paragraph, a lead and its detail) becomes one candidate with several evidence spans; a
vaguer candidate whose area contains a more precise one of the same kind folds into it (an
operations room "in Homs' countryside", then "between al-Humaira and al-Hafar").  A sentence that
names no place or actor borrows them from the sentences just before it (reporting refers back:
"the room", "the area", "these militias"), which the candidate's notes say.  Only ``body``
sentences produce candidates; titles, captions, boilerplate, disclaimers, duplicates and readers'
comments never do.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import shapely
from gazetteer import Tokens
from gazetteer.phrases import COORDINATION

from geo.ingest.actors import ActorFinder, ActorHit, assign_roles
from geo.ingest.dates import DateSpan, find_dates
from geo.ingest.kinds import Cue, find_cues
from geo.ingest.places import Mention, PlaceFinder
from geo.ingest.text import Layout
from geo.core.model import range_precision
from geo.core.evidence import span_sha256

#: How many sentences back a sentence may borrow a place, actors or a date from.
LOOKBACK = 3
#: Kinds whose candidates are split per place ("bases in Tanf and Conoco" are two bases).
SPLIT_PER_PLACE = frozenset({"facility", "strike"})
#: Kinds that may take their place from an earlier sentence ("these militias have brought in
#: reinforcements" after "... reinforced their positions in the desert of Homs").
BORROW_PLACES = frozenset({"facility", "deployment"})
#: Kinds whose vaguer candidates fold into a more precise one they contain.
FOLD_BY_AREA = frozenset({"facility", "deployment"})
#: Confidence of a candidate: a base, raised by own evidence, lowered by what was borrowed.
BASE_CONFIDENCE = 0.5
#: Window assumed for a claim the text does not date: the month before publication.
UNDATED_DAYS = 31

_REFERS_TO_FACILITY = re.compile(r"\bthe\s+(?:operations?\s+)?(?:room|base|headquarters|HQ|cent(?:er|re)|facility|"
                                 r"compound)\b", re.I)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
_TO = re.compile(r"\b(?:to|into|toward|towards|reached|reach|reaching)\s+(?:the\s+)?"
                 r"(?:new\s+positions\s+in\s+(?:the\s+)?)?$",
                 re.I)
_COORD = re.compile(r"^" + COORDINATION + r"(?:the\s+)?$")
_KIND_LABEL = {
    "facility": "Facility", "deployment": "Deployment", "movement": "Movement", "strike": "Strike",
    "operation": "Operation", "statement": "Statement",
}
_SUBTYPE_LABEL = {
    "operations_room": "Operations room", "headquarters": "Headquarters", "base": "Base", "depot": "Depot",
    "checkpoint": "Checkpoint", "reinforcement": "Reinforcements", "redeployment": "Redeployment",
    "mobilisation": "Mobilisation", "weapons_transfer": "Weapons transfer", "equipment_transfer": "Equipment transfer",
    "fighters_transfer": "Fighters moved", "airstrike": "Air strikes", "drone_attack": "Drone attack",
    "shelling": "Shelling", "offensive_planned": "Offensive planned", "offensive_launched": "Offensive",
    "official_statement": "Official statement", "media_claim": "Media claim",
}


@dataclass
class Facts:
    """What one sentence says: actor hits, place mentions, cues (dead ones too), dates."""

    index: int
    start: int
    end: int
    para: int
    zone: str
    actors: list[ActorHit]
    mentions: list[Mention]
    cues: list[Cue] = field(default_factory=list)
    dates: list[DateSpan] = field(default_factory=list)

    def places(self) -> list[Mention]:
        return [m for m in self.mentions if m.role == "place"]

    def live_cues(self) -> list[Cue]:
        return [c for c in self.cues if c.live]

    def actor_ids(self, kind: str, cue: Cue | None = None) -> list[str]:
        """Actors of an event of ``kind``: for strikes and operations the side acting (named before
        the cue, else after it), never their targets or the sources telling the story."""
        drop = {"territory"} | ({"target", "source"} if kind in ("strike", "operation") else
                                set() if kind == "statement" else {"source"})
        placed = [(m.start, m.end) for m in self.mentions if m.role in ("place", "anchor", "context")]
        hits = [h for h in self.actors if h.role not in drop and not any(a <= h.start < b for a, b in placed)]
        if cue is not None and kind != "statement":
            adjacent = [h for h in hits if h.start < cue.end and cue.start - h.end <= 1]
            before = [h for h in hits if h.end <= cue.start]
            hits = (adjacent if kind in ("strike", "operation") else []) or before or hits
        out: list[str] = []
        for h in hits:
            if h.actor not in out:
                out.append(h.actor)
        return out


@dataclass
class Draft:
    """A candidate being assembled (turned into a record dict by :func:`to_record`)."""

    kind: str
    subtype: str | None
    places: list[Mention]
    route: list[Mention]
    actors: list[str]
    evidence: list[tuple[int, int]]
    date: DateSpan | None
    planned: bool
    sentence: int
    notes: list[str] = field(default_factory=list)
    borrowed: set[str] = field(default_factory=set)

    @property
    def place_key(self) -> tuple[str, ...]:
        return tuple(sorted({m.record_place for m in self.places})) + tuple(m.record_place for m in self.route)


def sentence_facts(text: str, layout: Layout, toks: Tokens, places: PlaceFinder, actors: ActorFinder,
                   published: date | None) -> list[Facts]:
    """Facts of every sentence that may hold reporting (body and title)."""
    out = []
    read = [s for s in layout.sentences if s.zone in ("body", "title")]
    report = places.read_report(text, [(s.start, s.end) for s in read])
    for i, s in enumerate(layout.sentences):
        if s.zone not in ("body", "title"):
            continue
        lo, hi = toks.index_at(s.start), toks.index_at(s.end)
        hits = actors.hits(text, toks, lo, hi)
        assign_roles(text, hits, s.start, s.end)
        mentions = places.mentions(text, s.start, s.end, report=report, sentence=i, datelines=layout.datelines,
                                   actor_spans=[(h.start, h.end) for h in hits])
        for m in mentions:  # "Moscow announced", "with Iran, Hezbollah, Syria and Iraq": the state acts
            if m.role == "actor" and not any(h.start < m.end and m.start < h.end for h in hits):
                country = places.country_name(m.res)
                actor = actors.by_alias(country) if country else None
                if actor is not None:
                    hit = ActorHit(m.start, m.end, actor, via="metonymy")
                    assign_roles(text, [hit], s.start, s.end)
                    hits.append(hit)
        hits.sort(key=lambda h: h.start)
        facts = Facts(i, s.start, s.end, s.para, s.zone, hits, mentions)
        if s.zone == "body":
            facts.cues = find_cues(text, s.start, s.end, dead=True)
            facts.dates = find_dates(text, s.start, s.end, published)
        out.append(facts)
    return out


def _recent(facts: list[Facts], k: int, want: Any) -> tuple[Any, Facts] | tuple[None, None]:
    """The nearest of the ``LOOKBACK`` body sentences before ``facts[k]`` for which ``want`` is truthy."""
    for j in range(k - 1, max(-1, k - 1 - LOOKBACK), -1):
        if facts[j].zone != "body":
            continue
        value = want(facts[j])
        if value:
            return value, facts[j]
    return None, None


def _movement_ends(text: str, places: list[Mention]) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """(origins, destinations, others) of a movement sentence's places."""
    origins: list[Mention] = []
    dests: list[Mention] = []
    others: list[Mention] = []
    for k, m in enumerate(places):
        left = text[max(0, m.start - 50):m.start]
        prev = places[k - 1] if k else None
        if _FROM.search(left) or (prev is not None and prev in origins and _COORD.match(text[prev.end:m.start])):
            origins.append(m)
        elif _TO.search(left) or (prev is not None and prev in dests and _COORD.match(text[prev.end:m.start])):
            dests.append(m)
        else:
            others.append(m)
    return origins, dests, others


def _places_by_kind(text: str, f: Facts) -> dict[str, list[Mention]]:
    """Share a sentence's places among its cues: each place belongs to the nearest cue before it
    (else the first after it); a facility noun right after a name ("the Tanf and Koniko bases")
    takes that name and the names coordinated with it.  Places owned by a dead cue ("forces
    deployed in X", "had not bombed X") belong to no event."""
    places = f.places()
    cues = [c for c in f.cues if c.live or c.swallows]
    live = f.live_cues()
    kinds = {c.kind for c in live}
    if len(kinds) == 1 and not any(not c.live for c in cues):
        return {next(iter(kinds)): places}
    out: dict[str, list[Mention]] = {k: [] for k in kinds}
    for k, m in enumerate(places):
        owners: list[Cue] = []
        before = [c for c in cues if c.start < m.start]
        if before:
            owners.append(max(before, key=lambda c: c.start))
        else:
            after = [c for c in cues if c.start >= m.end]
            if after:
                owners.append(min(after, key=lambda c: c.start))
        for j in range(k, len(places)):  # "X and Y bases": the facility noun after the chain
            nxt = places[j]
            trail = re.match(r"(?:['’]s?)?\s{0,2}", text[nxt.end:nxt.end + 4])
            noun = next((c for c in cues if c.kind == "facility" and c.start == nxt.end + trail.end()), None)
            if noun is not None:
                owners.append(noun)
                break
            if j + 1 >= len(places) or not _COORD.match(text[nxt.end:places[j + 1].start]):
                break
        for c in owners:
            if c.live and m not in out[c.kind]:
                out[c.kind].append(m)
    strikes = [c for c in live if c.kind == "strike"]
    rooms = [c for c in live if c.kind == "facility"]
    if strikes and rooms and not out.get("strike") and rooms[0].start > strikes[0].start:
        out["strike"] = list(out["facility"])  # "a drone attack targeted an IRGC depot near X": struck at X
    if "statement" in out:
        swallowed = {id(m) for m in places if not any(m in v for v in out.values())
                     and any(not c.live and c.start < m.start for c in cues)}
        out["statement"] = [m for m in places if id(m) not in swallowed]
    return out


@dataclass
class _Claim:
    """What one sentence says about one kind of event, while its draft is assembled."""

    kind: str
    cues: list[Cue]
    subtype: str | None
    planned: bool
    notes: list[str] = field(default_factory=list)
    borrowed: set[str] = field(default_factory=set)


def drafts_of(text: str, facts: list[Facts], unknown_actor: str | None) -> tuple[list[Draft], list[dict[str, Any]]]:
    """One draft per (sentence, kind); claims with no place anywhere are returned separately.

    For each claim: its places (:func:`_claim_places`), actors (:func:`_claim_actors`) and date
    (:func:`_claim_date`), each borrowed from an earlier sentence when the text refers back to it,
    then the drafts (:func:`_claim_drafts`: a movement per origin, some kinds one per place).
    """
    drafts: list[Draft] = []
    placeless: list[dict[str, Any]] = []
    for k, f in enumerate(facts):
        if f.zone != "body" or not f.live_cues():
            continue
        by_kind: dict[str, list[Cue]] = {}
        for cue in f.live_cues():
            by_kind.setdefault(cue.kind, []).append(cue)
        shares = _places_by_kind(text, f)
        for kind, cues in by_kind.items():
            claim = _Claim(kind, cues, next((c.subtype for c in cues if c.subtype), None), any(c.planned for c in cues))
            places = _claim_places(text, facts, k, claim, shares.get(kind, []), drafts)
            actors = _claim_actors(facts, k, claim, unknown_actor)
            date_span = _claim_date(facts, k, claim)
            if not places:
                placeless.append({"sentence": f.index, "kind": kind, "start": f.start, "end": f.end,
                                  "actors": actors, "subtype": claim.subtype})
                continue
            drafts.extend(_claim_drafts(text, facts, k, claim, places, actors, date_span))
    return drafts, placeless


def _claim_places(text: str, facts: list[Facts], k: int, claim: _Claim, own: list[Mention],
                  drafts: list[Draft]) -> list[Mention]:
    """The claim's places: its own, narrowed to the finest; else the facility the sentence refers
    to, or (for kinds that may) the places of an earlier sentence."""
    f, kind = facts[k], claim.kind
    if kind == "strike":
        own = [m for m in own if m.level < 5]  # a strike "in Syria" says nothing about where
    if kind == "movement" or claim.subtype == "redeployment":
        origins, dests, others = _movement_ends(text, own)
        if claim.subtype == "redeployment":
            if origins:
                claim.notes.append("redeployed from " + ", ".join(m.res.name or m.query for m in origins))
            own = dests + others or origins
    places = own
    if len(places) > 1 and any(m.level >= 5 for m in places) and any(m.level < 5 for m in places):
        places = [m for m in places if m.level < 5]  # "in Syria ... in northern Syria": the finer one
    if places:
        return places
    if _REFERS_TO_FACILITY.search(text, f.start, f.end) and kind != "facility":
        room = next((d for d in reversed(drafts) if d.kind == "facility"), None)
        if room is not None:
            claim.borrowed.add("place")
            claim.notes.append("place of the facility the sentence refers to")
            return list(room.places)
    definite = kind == "facility" and _REFERS_TO_FACILITY.search(text, f.start, f.end)
    if kind in BORROW_PLACES and not definite:
        inherited, _src = _recent(facts, k, lambda g: g.places())
        if inherited:
            claim.borrowed.add("place")
            claim.notes.append("place taken from an earlier sentence (the text refers back to it)")
            return list(inherited)
    return []


def _claim_actors(facts: list[Facts], k: int, claim: _Claim, unknown_actor: str | None) -> list[str]:
    """Who the claim is about: named in the sentence, the owner of a struck facility, an earlier
    sentence's actors, or the registry's "unknown" (said so in the notes)."""
    f, kind, cues = facts[k], claim.kind, claim.cues
    actors = f.actor_ids(kind, cues[0])
    struck = [c for c in f.live_cues() if c.kind == "strike" and c.start < cues[0].start]
    if kind == "facility" and struck:  # the struck facility belongs to whom the text names with it
        actors = list(dict.fromkeys(h.actor for h in f.actors if struck[0].end <= h.start < cues[0].start))
    if not actors and kind not in ("strike", "operation") and not (kind == "facility" and struck):
        inherited, _ = _recent(facts, k, lambda g, kind=kind: g.actor_ids(kind))
        if inherited:
            actors = list(inherited)
            claim.borrowed.add("actors")
            claim.notes.append("actors taken from an earlier sentence")
    if not actors and unknown_actor:
        actors = [unknown_actor]
        claim.notes.append("the text does not say who")
    return actors


def _claim_date(facts: list[Facts], k: int, claim: _Claim) -> DateSpan | None:
    """The sentence's first date, else the latest date earlier in the same paragraph."""
    f = facts[k]
    if f.dates:
        return f.dates[0]
    d, _ = _recent(facts, k, lambda g: [x for x in g.dates if g.para == f.para])
    if d:
        claim.borrowed.add("date")
        return d[0]
    return None


def _claim_drafts(text: str, facts: list[Facts], k: int, claim: _Claim, places: list[Mention], actors: list[str],
                  date_span: DateSpan | None) -> list[Draft]:
    """The drafts of a placed claim: a movement per origin toward its destination, one per place
    for the kinds that split, else one over all its places."""
    f, kind = facts[k], claim.kind

    def draft(ps: list[Mention], route: list[Mention], extra: tuple[str, ...] = ()) -> Draft:
        return Draft(kind, claim.subtype, list(ps), list(route), list(actors), [(f.start, f.end)], date_span,
                     claim.planned, f.index, [*claim.notes, *extra], set(claim.borrowed))

    if kind == "movement":
        origins, dests, others = _movement_ends(text, places)
        dest = (dests or others)[:1]
        extra: tuple[str, ...] = ()
        if not dest and origins:
            prev, _ = _recent(facts, k, lambda g: [m for m in g.places() if m.level < 5])
            if prev:
                dest = prev[:1]
                extra = ("destination taken from an earlier sentence",)
        far = [m for m in origins if m.level >= 5]
        if far:
            extra += ("origin outside the map's detail: " + ", ".join(m.res.name for m in far),)
        origins = [m for m in origins if m.level < 5]
        if origins and dest and all(o.record_place != dest[0].record_place for o in origins):
            return [draft([o, *dest], [o, *dest], extra) for o in _distinct(origins)]
        return [draft(_distinct([m for m in places if m.level < 5] or places), [], extra)]
    if kind in SPLIT_PER_PLACE and len(places) > 1:
        return [draft([m], []) for m in _distinct(places)]
    return [draft(_distinct(places), [])]


def _distinct(places: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for m in places:
        seen.setdefault(m.record_place, m)
    return list(seen.values())


def _compatible(a: Draft, b: Draft) -> bool:
    return a.kind == b.kind and (a.subtype is None or b.subtype is None or a.subtype == b.subtype)


def _absorb(into: Draft, other: Draft) -> None:
    for span in other.evidence:
        if span not in into.evidence:
            into.evidence.append(span)
    for actor in other.actors:
        if actor not in into.actors and not (actor == "unknown" and into.actors):
            into.actors.append(actor)
    if "unknown" in into.actors and len(into.actors) > 1:
        into.actors.remove("unknown")
    into.subtype = into.subtype or other.subtype
    into.planned = into.planned and other.planned
    if into.date is None or (other.date is not None and other.date.date_start is not None and (
            into.date.date_start is None or
            (other.date.date_end - other.date.date_start) < (into.date.date_end - into.date.date_start))):
        into.date = other.date or into.date
    into.borrowed &= other.borrowed
    for note in other.notes:
        if note not in into.notes and "taken from an earlier" not in note:
            into.notes.append(note)
    if "place" not in into.borrowed:
        into.notes = [n for n in into.notes if not n.startswith("place taken")]
    if "actors" not in into.borrowed:
        into.notes = [n for n in into.notes if not n.startswith("actors taken")]


def _point(m: Mention) -> Any:
    return shapely.Point(m.res.lon, m.res.lat) if m.resolved and m.res.lon is not None else None


def _contains(outer: list[Mention], inner: list[Mention]) -> bool:
    """Every inner place lies inside one of the outer (coarser) places."""
    if not outer or not inner:
        return False
    for m in inner:
        pt = _point(m)
        if pt is None:
            return False
        if not any(o.resolved and (o.res.uncertainty_m or 0) > (m.res.uncertainty_m or 0) and
                   o.res.geometry is not None and o.res.geometry.covers(pt) for o in outer):
            return False
    return True


def merge(drafts: list[Draft], placeless: list[dict[str, Any]]) -> list[Draft]:
    """Merge drafts of one report (see module docstring); placeless claims join their nearest kin."""
    out: list[Draft] = []
    for d in drafts:
        twin = next((o for o in out if _compatible(o, d) and o.place_key == d.place_key), None)
        if twin is not None:
            _absorb(twin, d)
        else:
            out.append(d)
    # Vaguer into more precise: most precise first, so a chain folds into its finest member.
    changed = True
    while changed:
        changed = False
        for d in sorted(out, key=lambda x: -max(m.res.uncertainty_m or 0 for m in x.places)):
            if d.kind not in FOLD_BY_AREA or d.route:
                continue
            finer = [o for o in out if o is not d and _compatible(o, d) and not o.route and
                     _contains(d.places, o.places) and (set(o.actors) & set(d.actors) or "actors" in d.borrowed)]
            if finer:
                target = min(finer, key=lambda o: max(m.res.uncertainty_m or 0 for m in o.places))
                _absorb(target, d)
                out.remove(d)
                changed = True
                break
    for claim in placeless:
        kin = [o for o in out if o.kind == claim["kind"] and abs(o.sentence - claim["sentence"]) <= LOOKBACK]
        if not kin:
            continue
        nearest = min(kin, key=lambda o: (abs(o.sentence - claim["sentence"]), o.sentence > claim["sentence"]))
        nearest.evidence.append((claim["start"], claim["end"]))
        if claim["kind"] == "facility":  # who runs a facility is spread over the sentences about it
            for actor in claim["actors"]:
                if actor not in nearest.actors and actor != "unknown":
                    nearest.actors.append(actor)
            if "unknown" in nearest.actors and len(nearest.actors) > 1:
                nearest.actors.remove("unknown")
        nearest.subtype = nearest.subtype or claim["subtype"]
        claim["merged"] = True
    for d in out:
        d.evidence.sort()
    return sorted(out, key=lambda d: d.evidence[0])


# --- records -----------------------------------------------------------------------------------
def candidate_key(report_sha256: str, start: int, end: int, kind: str, places: tuple[str, ...] = (),
                  route: tuple[str, ...] = ()) -> str:
    """Identity of a candidate across ingestions: what it says (report, first evidence span, kind,
    places, route).  One sentence may say several things of one kind (a strike at each of two
    places, a movement from each of two origins): those are distinct candidates, never duplicates."""
    said = "|".join(places) + "→" + "|".join(route)
    return f"{report_sha256}:{start}-{end}:{kind}:{hashlib.sha256(said.encode('utf-8')).hexdigest()[:12]}"


def candidate_id(key: str, places: tuple[str, ...]) -> str:
    digest = hashlib.sha256((key + "|" + "|".join(places)).encode("utf-8")).hexdigest()
    return f"cand-{digest[:12]}"


def _dates(d: Draft, published: date | None) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    span = d.date
    if span is not None and span.date_start is not None:
        if "date" in d.borrowed:
            notes.append(f"date taken from an earlier sentence ('{span.text}')")
        if span.note:
            notes.append(f"date: {span.note}")
        return {"date_start": span.date_start.isoformat(), "date_end": span.date_end.isoformat(),
                "date_text": span.text, "date_precision": span.precision}, notes
    if span is not None:
        notes.append(span.note)
    if published is None:
        notes.append("no publication date given: the date is unknown and must be set before accepting")
        return {"date_start": None, "date_end": None, "date_text": span.text if span else None,
                "date_precision": None}, notes
    start = published - timedelta(days=UNDATED_DAYS - 1)
    notes.append(f"the text does not date this claim: assumed within the {UNDATED_DAYS} days up to publication")
    return {"date_start": start.isoformat(), "date_end": published.isoformat(), "date_text": None,
            "date_precision": range_precision(UNDATED_DAYS)}, notes


def _place_label(m: Mention) -> str:
    return m.res.name or m.query


def to_record(d: Draft, *, text: str, report_id: str, report_sha256: str, published: date | None,
              actor_names: dict[str, str], unverified: bool) -> dict[str, Any]:
    """The candidate as a record dict (schema of ``data/events/*.yaml``) plus its ``review`` block."""
    first = d.evidence[0]
    place_values = [m.record_place for m in d.places]
    key = candidate_key(report_sha256, first[0], first[1], d.kind, tuple(place_values),
                        tuple(m.record_place for m in d.route))
    dates, date_notes = _dates(d, published)
    label = _SUBTYPE_LABEL.get(d.subtype or "", _KIND_LABEL[d.kind])
    where = " → ".join(_place_label(m) for m in d.route) if d.route else ", ".join(_place_label(m) for m in d.places)
    who = ", ".join(actor_names.get(a, a) for a in d.actors)
    confidence = BASE_CONFIDENCE + min(0.05 * (len(d.evidence) - 1), 0.15)
    confidence -= 0.1 * len(d.borrowed & {"place", "actors"})
    confidence -= 0.1 if unverified else 0.0
    confidence -= 0.05 if any(m.fuzzy for m in d.places) else 0.0
    contexts = [m.context for m in d.places if m.context]
    record: dict[str, Any] = {
        "id": candidate_id(key, tuple(place_values)),
        "kind": d.kind,
        "subtype": d.subtype,
        "title": f"{label}: {where}"[:200],
        "summary": (f"Proposed by the ingester from report {report_id}: {label.lower()}"
                    f"{' (planned)' if d.planned and 'planned' not in label.lower() else ''} at {where}, "
                    f"attributed to {who or 'an unnamed actor'} "
                    f"({len(d.evidence)} passage{'s' if len(d.evidence) != 1 else ''} of the report)."),
        "actors": list(d.actors),
        "place_text": " ".join(text[d.places[0].start:d.places[0].end].split()) if d.places else None,
        "place": place_values[0] if len(place_values) == 1 else place_values,
        "place_context": contexts[0] if contexts and len(place_values) == 1 else None,
        **({"route": [m.record_place for m in d.route]} if d.route else {}),
        **dates,
        "status": "candidate",
        "sources": [{"report": report_id}],
        "evidence": [{"report": report_id, "start": s, "end": e, "sha256": span_sha256(text, s, e)}
                     for s, e in d.evidence],
        "confidence": round(max(0.1, min(confidence, 0.8)), 2),
        "notes": "; ".join(dict.fromkeys([*d.notes, *date_notes])) or None,
    }
    if d.kind == "facility" and published is not None:
        record["first_reported"] = record["last_reported"] = published.isoformat()
    record["review"] = {
        "key": key,
        "report_sha256": report_sha256,
        "facility_status": ("planned" if d.planned else "active") if d.kind == "facility" else None,
        "places": [_place_info(m) for m in d.places],
        "borrowed": sorted(d.borrowed),
    }
    return record


def _place_info(m: Mention) -> dict[str, Any]:
    r = m.res
    return {"query": m.query, "context": m.context, "id": r.id, "name": r.name, "feature_type": r.feature_type,
            "lat": None if r.lat is None else round(r.lat, 6), "lon": None if r.lon is None else round(r.lon, 6),
            "geo_precision": r.geo_precision, "where_prec": r.where_prec,
            "uncertainty_m": None if r.uncertainty_m is None else round(r.uncertainty_m),
            "keys": sorted(m.keys()), "start": m.start, "end": m.end}
