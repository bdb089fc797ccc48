"""The places a report names, and what each does in its sentence.

Finding names and relative phrases in the text is the gazetteer's job (:func:`gazetteer.find_in_text`:
longest match over its names, false friends filtered, "the eastern countryside of Homs", "between X
and Y", "30 km from X" parsed with its one phrase grammar). This module is about reports: it
resolves a report's names together (``Gazetteer.resolve_many``: places named together lie together,
so a homonym named beside al-Bukamal is the one near al-Bukamal), then works out roles. A name is
the place of the event; the context locating another place ("al-Bukamal in Deir ez-Zor", "Lataminah,
a town northwest of Hama"); an anchor of a relative phrase; a dateline; an actor ("Iraq sent",
"Moscow announced"); a possessor ("Lebanon's ally"); or where the story came from ("activists in
Deir Ezzour said"). "The Iraqi capital" is Baghdad when the gazetteer knows both.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from gazetteer import Gazetteer, Resolution, TextMention, feature_level, find_in_text
from gazetteer.phrases import COORDINATION

_GAP_COORD = re.compile(r"^" + COORDINATION + r"(?:the\s+)?$")
_GAP_CONTAINED = re.compile(r"^(?:\s*,\s*(?:in\s+)?|\s+in\s+|\s+of\s+|\s+inside\s+)(?:the\s+)?$")
_GAP_APPOSITION = re.compile(r"^(?:\s+(?:area|village|town|city|region|district|base|camp))?\s*,\s*"
                             r"(?:(?:located|situated|lying|which\s+is|that\s+is)\s+)?$")
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|to|from|across|through|throughout|toward|towards|within|via|"
                              r"out\s+of|over|at|near|around|entered|reached|left|visit(?:ed)?|via)\s+(?:the\s+)?$",
                              re.I)
_CAPITAL_ACTS = re.compile(r"\s+(?:has|had|have|is|was|announced|said|says|decided|declared|denied|insisted|claimed|"
                           r"warned|accused|agreed|coordinating|sent|wants|rejected|confirmed)\b", re.I)
_SOURCE_CLAUSE = re.compile(r"\baccording\s+to\b[^,;.()“”\"]*$", re.I)
_SAYS_AFTER = re.compile(r"\s+(?:said|say|says|told|reported)\b", re.I)
_POSSESSOR = re.compile(r"^['’ʼ]s\s+[a-z]")
_CAPITAL_OF = re.compile(r"\bthe\s+(Iraqi|Syrian|Lebanese|Iranian|Jordanian|Turkish|Russian|Israeli)\s+capital\b")
_DEMONYM_COUNTRY = {"iraqi": "Iraq", "syrian": "Syria", "lebanese": "Lebanon", "iranian": "Iran",
                    "jordanian": "Jordan", "turkish": "Turkey", "russian": "Russia", "israeli": "Israel"}


def _descendants(m: Mention) -> list[Mention]:
    """The name units a phrase was built from, depth first (anchors, contexts, fallbacks)."""
    out: list[Mention] = []
    for p in m.parts:
        if p.role != "unresolved":
            out.append(p)
        out.extend(_descendants(p))
    return out


def resolution_keys(res: Resolution) -> frozenset[str]:
    """Identities a resolved place stands for: its place id, or for a relative phrase its anchors
    (and, for "the countryside of X", the governorate it is cut from)."""
    if res.id:
        return frozenset({res.id})
    parse_ = res.parse or {}
    keys = {str(a) for a in parse_.get("anchors", ())}
    if parse_.get("relation") == "countryside":
        keys.update(g for g in parse_.get("governorates", ()) if g)
    return frozenset(keys)


def level_of(res: Resolution) -> int:
    """1 for a point-like place … 5 for a country (see ``gazetteer.feature_level``)."""
    ftype = res.feature_type
    if ftype == "country_part" or (ftype == "footprint" and (res.parse or {}).get("relation") == "part_of"):
        return 4
    return feature_level(ftype)


#: What a name does in its sentence: the place of the event; the context locating another place
#: ("al-Bukamal in Deir ez-Zor"); an anchor of a relative phrase; a dateline; an actor ("Iraq
#: sent"); a possessor ("Homs' Rastan"); where the story came from ("activists in Deir Ezzour
#: said"); or a phrase that did not resolve (its parts stand in for it).
MentionRole = Literal["place", "context", "anchor", "dateline", "actor", "possessor", "source", "unresolved"]


@dataclass(eq=False)
class Mention:
    """A place named in the report: its span, the query given to the gazetteer and its answer."""

    start: int
    end: int
    query: str
    res: Resolution | None = None
    role: MentionRole = "place"
    context: str | None = None
    relation: str | None = None
    sentence: int = -1
    #: Name units this phrase was built from (for "between X and Y", the X and Y mentions).
    parts: list[Mention] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def level(self) -> int:
        if self.res is not None and self.res.resolved:
            return level_of(self.res)
        return {"countryside": 3, "part_of": 4}.get(self.relation or "", 2 if self.relation else 1)

    @property
    def resolved(self) -> bool:
        return self.res is not None and self.res.resolved

    @property
    def place_id(self) -> str | None:
        return self.res.id if self.resolved else None

    def keys(self) -> frozenset[str]:
        """Identities a mention stands for (see :func:`resolution_keys`)."""
        return resolution_keys(self.res) if self.resolved else frozenset()

    @property
    def record_place(self) -> str:
        """What a record's ``place`` field should hold: the place id, else the phrase."""
        return self.res.id if self.resolved and self.res.id else self.query


@dataclass
class ReportPlaces:
    """A report's names and phrases per sentence span, and its names resolved together."""

    found: dict[tuple[int, int], list[TextMention]]
    answers: dict[str, Resolution]


class PlaceFinder:
    """Resolves the places a report names and gives each its role; build once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gz = gazetteer
        self._places = list(gazetteer.places)
        self._cache: dict[tuple[str, str | None, bool], Resolution] = {}
        self._capitals = {p.country: p for p in self._places if p.feature_type == "capital" and p.country}

    def clear_cache(self) -> None:
        """Forget resolved answers (the benchmark measures cold documents with it)."""
        self._cache.clear()

    def resolve(self, query: str, context: str | None = None, *, fuzzy: bool = False) -> Resolution:
        """The gazetteer's answer, cached per (query, context) across documents."""
        key = (" ".join(query.split()), context, fuzzy)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.gz.resolve(key[0], context=context, fuzzy=fuzzy)
            self._cache[key] = hit
        return hit

    # --- a whole report ----------------------------------------------------------------------
    def read_report(self, text: str, spans: Sequence[tuple[int, int]]) -> ReportPlaces:
        """Find the names of every sentence span, then resolve the report's names jointly."""
        found = {(s, e): find_in_text(self.gz, text, start=s, end=e) for s, e in spans}
        names = list(dict.fromkeys(n.query for ms in found.values() for m in ms for n in m.names() if not n.fuzzy))
        return ReportPlaces(found, self._jointly(names))

    def _jointly(self, names: list[str]) -> dict[str, Resolution]:
        """Answers for a report's names; resolved together only when one of them may be a homonym
        (alone, each answer is cached across reports, which keeps steady-state ingest cheap)."""
        alone = {n: self.resolve(n) for n in names}
        if len(names) < 2 or not any(r.ambiguous or r.alternatives for r in alone.values()):
            return alone
        return dict(zip(names, self.gz.resolve_many(names, joint=True)))

    def _name(self, m: TextMention, report: ReportPlaces | None, sentence: int) -> Mention:
        """A plain name resolved: jointly with the report's others, else alone.  A name the gazetteer
        leaves unresolved (unknown, or a toss-up between homonyms) stays unresolved: no silent pick."""
        res = report.answers.get(m.query) if report is not None and not m.fuzzy else None
        if res is None:
            res = self.resolve(m.query, fuzzy=m.fuzzy)
        return Mention(m.start, m.end, m.query, res, sentence=sentence, fuzzy=m.fuzzy)

    def _tree(self, m: TextMention, names: dict[int, Mention], sentence: int) -> Mention:
        """The Mention of a name or phrase, built on its already resolved names."""
        if not m.parts:
            return names[id(m)]
        parts = [self._tree(p, names, sentence) for p in m.parts]
        if m.relation == "possessive":  # "Homs' Rastan": Rastan, located by Homs
            owner, name = parts
            owner.role = "context"
            return Mention(m.start, m.end, m.query, name.res, sentence=sentence, context=owner.query, parts=[owner])
        for p in parts:
            p.role = "anchor"
        if m.relation:  # resolved later, with the sentence's other places as context
            return Mention(m.start, m.end, m.query, None, sentence=sentence, relation=m.relation, parts=parts)
        return Mention(m.start, m.end, m.query, self.resolve(m.query), sentence=sentence, parts=parts)

    # --- one sentence ------------------------------------------------------------------------
    def mentions(self, text: str, start: int, end: int, *, report: ReportPlaces | None = None, sentence: int = -1,
                 datelines: Sequence[tuple[int, int]] = (),
                 actor_spans: Sequence[tuple[int, int]] = ()) -> list[Mention]:
        """Place mentions of ``text[start:end]`` with relations and roles worked out.

        ``report`` is the report read by :meth:`read_report` (without it the sentence is read and its
        names resolved on their own). ``actor_spans`` are the sentence's actor names: a country or
        capital standing for its government ("Iran and Russia are preparing ...", "Moscow announced")
        is an actor there.
        """
        found = report.found.get((start, end)) if report is not None else None
        if found is None:
            found = find_in_text(self.gz, text, start=start, end=end)
        names = {id(n): self._name(n, report, sentence) for m in found for n in m.names()}
        units = [u for u in names.values() if u.resolved]
        capitals = self._capital_of(text, start, end, sentence, units)
        units = sorted(units + capitals, key=lambda m: m.start)
        if not units:
            return []
        self._roles(text, start, end, units, datelines, actor_spans)
        live = sorted(self._live(found, names, sentence) + [c for c in capitals if c.role == "place"],
                      key=lambda m: m.start)
        for m in live:
            if not m.parts and m.level >= 4 and _POSSESSOR.match(text[m.end:m.end + 4]):
                m.role = "possessor"  # "Lebanon's ally Hezbollah": not where anything happened
        self._coordinate_levels(text, live)
        self._contexts(text, live)
        self._resolve_phrases(live)
        return self._flattened(live, units)

    def _roles(self, text: str, start: int, end: int, units: list[Mention], datelines: Sequence[tuple[int, int]],
               actor_spans: Sequence[tuple[int, int]]) -> None:
        """Datelines, sources ("according to activists in Deir Ezzour") and actors among the names."""
        for m in units:
            if any(a <= m.start < b for a, b in datelines):
                m.role = "dateline"
        for m in units:
            if m.role == "place" and (_SOURCE_CLAUSE.search(text, start, m.start) or _SAYS_AFTER.match(text, m.end, end)):
                m.role = "source"
        self._actor_roles(text, start, [m for m in units if m.role == "place"], actor_spans)

    def _live(self, found: list[TextMention], names: dict[int, Mention], sentence: int) -> list[Mention]:
        """The phrases whose names all stand for places; a phrase built on an actor, a source or a
        dateline falls apart into its names (they were never a place phrase)."""
        out: list[Mention] = []
        for m in found:
            leaves = [names[id(n)] for n in m.names()]
            if all(u.resolved and u.role == "place" for u in leaves):
                out.append(self._tree(m, names, sentence))
            else:
                out.extend(u for u in leaves if u.resolved and u.role == "place")
        return out

    @staticmethod
    def _flattened(live: list[Mention], units: list[Mention]) -> list[Mention]:
        """Every resolved mention once, phrases followed by the names they were built from."""
        out: list[Mention] = []
        for m in sorted(live + [u for u in units if u.role in ("dateline", "actor", "source")], key=lambda m: m.start):
            if m.role != "unresolved":
                out.append(m)
            parts = _descendants(m)
            if m.role == "context":  # what locates a place is context all the way down
                for p in parts:
                    p.role = "context" if p.role == "anchor" else p.role
            out.extend(parts)
        return [m for m in out if m.resolved]

    def _actor_roles(self, text: str, sent_start: int, units: list[Mention],
                     actor_spans: Sequence[tuple[int, int]]) -> None:
        """Countries and capitals used as actors, not as places (see :meth:`mentions`)."""
        located: list[Mention] = []
        for k, m in enumerate(units):
            ftype = m.res.feature_type
            if ftype not in ("country", "capital"):
                continue
            left = text[max(sent_start, m.start - 40):m.start]
            prev = units[k - 1] if k else None
            if _LOCATIVE_BEFORE.search(left) or (
                    prev is not None and prev in located and _GAP_COORD.match(text[prev.end:m.start])):
                located.append(m)
                continue
            overlaps = any(a < m.end and m.start < b for a, b in actor_spans)
            near_actor = any(_GAP_COORD.match(text[b:m.start]) or _GAP_COORD.match(text[m.end:a])
                             for a, b in actor_spans if b <= m.start or a >= m.end) or (
                prev is not None and prev.role == "actor" and _GAP_COORD.match(text[prev.end:m.start]))
            if ftype == "capital":
                acts = _CAPITAL_ACTS.match(text, m.end) or re.search(r"\bwith\s+$", left)
                if acts or overlaps:
                    m.role = "actor"
            elif overlaps or near_actor:
                m.role = "actor"

    def country_name(self, res: Resolution) -> str | None:
        """The country a country or capital answer stands for (to name the actor behind it)."""
        if res.feature_type == "country":
            return res.name
        code = getattr(res.place, "country", None)
        if code is None:
            return None
        country = next((p for p in self._places if p.feature_type == "country" and p.country == code), None)
        return country.name if country is not None else None

    def _capital_of(self, text: str, start: int, end: int, sentence: int, units: list[Mention]) -> list[Mention]:
        """ "the Iraqi capital" → the capital of Iraq (when the gazetteer has both)."""
        out = []
        for m in _CAPITAL_OF.finditer(text, start, end):
            country = self.resolve(_DEMONYM_COUNTRY[m.group(1).casefold()])
            capital = self._capitals.get(getattr(country.place, "country", None)) if country.resolved else None
            if capital is not None and not any(u.start < m.end() and m.start() < u.end for u in units):
                res = self.resolve(capital.id)
                out.append(Mention(m.start(), m.end(), m.group(), res, sentence=sentence))
        return out

    def _coordinate_levels(self, text: str, units: list[Mention]) -> None:
        """"from Deir ez-Zor and the countryside of Damascus": a bare name coordinated with a
        governorate-level place is read at that level when a governorate bears its name."""
        for k in range(1, len(units)):
            a, b = units[k - 1], units[k]
            if not _GAP_COORD.match(text[a.end:b.start]):
                continue
            for plain, other in ((a, b), (b, a)):
                if plain.relation or plain.parts or plain.level != 1 or other.level != 3:
                    continue
                gov = self.resolve(f"{plain.query} governorate")
                if gov.resolved and gov.feature_type == "governorate":
                    anchor = Mention(plain.start, plain.end, plain.query, plain.res, role="anchor",
                                     sentence=plain.sentence)
                    plain.query, plain.res, plain.parts = f"{plain.query} governorate", gov, [anchor]

    def _contexts(self, text: str, units: list[Mention]) -> None:
        """Containment and apposition: "al-Bukamal in Deir ez-Zor", "Lataminah, a town northwest of Hama"."""
        for k in range(1, len(units)):
            a, b = units[k - 1], units[k]
            if a.role != "place" or b.role != "place":
                continue
            gap = text[a.end:b.start]
            if b.relation in ("direction_of", "distance") and _GAP_APPOSITION.match(gap):
                b.role = "context"
                self._set_context(text, units, k - 1, b.query)
                continue
            if not _GAP_CONTAINED.match(gap):
                continue
            if b.level == 1 and a.level == 1 and not b.relation and not b.parts:
                gov = self.resolve(f"{b.query} governorate")  # "al-Bukamal in Deir-ez-Zor"
                if gov.resolved and gov.feature_type == "governorate":
                    anchor = Mention(b.start, b.end, b.query, b.res, role="anchor", sentence=b.sentence)
                    b.query, b.res, b.parts = f"{b.query} governorate", gov, [anchor]
            if b.level > a.level:
                b.role = "context"
                self._set_context(text, units, k - 1, b.query)

    @staticmethod
    def _set_context(text: str, units: list[Mention], k: int, context: str) -> None:
        """Give ``context`` to unit ``k`` and to the units coordinated with it before it."""
        while k >= 0:
            if units[k].context is None:
                units[k].context = context
            if k == 0 or not _GAP_COORD.match(text[units[k - 1].end:units[k].start]):
                break
            k -= 1

    def _resolve_phrases(self, units: list[Mention]) -> None:
        """Resolve every relative phrase once, with the sentence's other places as context."""
        for m in units:
            if m.res is not None or not m.relation:
                continue
            context = m.context
            if context is None:
                others = [u for u in units if u is not m and u.role in ("place", "context") and u.level > m.level]
                if others:
                    context = max(others, key=lambda u: u.level).query
            m.context = context
            m.res = self.resolve(m.query, context)
            if not m.resolved:  # the phrase did not resolve: fall back to the names it was built from
                for p in m.parts:
                    if p.role == "anchor":
                        p.role = "place"
                m.role = "unresolved"
        for m in units:
            if m.res is not None and m.context and not m.relation and m.resolved and m.res.id and \
                    m.role == "place" and m.res.confidence < 0.9:
                m.res = self.resolve(m.query, m.context)
