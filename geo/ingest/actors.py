"""Finding the actors a report names, from ``data/actors.yaml`` aliases, and what part they play.

Aliases are matched as token sequences on word boundaries (so "IS" never matches inside "ISIS",
and "Iranian-backed forces" matches however the hyphen is spaced).  Short all-capital aliases
("IS", "SAA", "PMF") match only in capitals: "is" is a verb.  Beyond the registry's aliases a few
patterns of news English name an actor through its country: a demonym before a force noun
("Russian fighter jets", "Iranian Supreme National Security Council"), "regime" for the Syrian
government's forces, "US" in capitals.  They are resolved through the registry's own aliases, so
an actor missing from ``actors.yaml`` is never invented.

Roles: the attacker of a strike is its actor; who was hit ("ISIS targets", "attacks on Iranian
militias", "US forces ... have faced drone attacks") is a *target*; who told the story
("activists and rebels said that ...") is a *source*; "opposition-held" names territory.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gazetteer import Tokens, tokenize

#: Demonym → the country alias it stands for (looked up in the registry, never assumed).
DEMONYMS = {"russian": "Russia", "iranian": "Iran", "turkish": "Turkey", "israeli": "Israel",
            "iraqi": "Iraq", "american": "United States"}
#: Nouns that make "<demonym> ... <noun>" an armed or state actor.
FORCE_NOUNS = frozenset("""troops forces force jets jet warplanes warplane aircraft planes helicopters drones army
military soldiers personnel officers officer general generals commanders commander units advisers advisors navy
president minister ministry officials official leader leadership delegation envoy representative government
council command artillery guards""".split())
#: Registry alias that "regime" stands for ("regime offensive", "regime troops").
REGIME_ALIAS = "regime forces"
US_ALIAS = "United States"

_GAP = re.compile(r"[ \t.\-‐‑–]{1,3}$")
_SOURCE_AFTER = re.compile(r"(?:\s+\w+){0,2}?\s+(?:said|say|says|told|reported|reports|claimed|claims|believe|believes|"
                           r"quoted|announced\s+that|stated)\b", re.I)
_SOURCE_BEFORE = re.compile(r"\b(?:according\s+to|sources?\s+(?:in|from|close\s+to|within))\s+(?:the\s+)?$", re.I)
_TARGET_BEFORE = re.compile(r"\b(?:on|against|targeting|targeted|hit|struck|fighters\s+of|positions\s+of|commanders\s+of|"
                            r"losses\s+on)\s+(?:(?:the|an?|its|their)\s+)?(?:remaining\s+)?$", re.I)
_TARGET_AFTER = re.compile(r"(?:['’]s?)?\s+(?:targets?|positions?|strongholds?|hideouts?|bases?|"
                           r"headquarters|convoys?)\b", re.I)
_TARGET_SUBJECT = re.compile(r"[^.;]{0,80}?\b(?:faced|suffered|came\s+under|come\s+under|been\s+(?:hit|targeted|attacked)|"
                             r"(?:were|was)\s+(?:hit|targeted|attacked|struck))\b", re.I)
_TERRITORY_AFTER = re.compile(r"-(?:held|controlled|run|dominated)\b", re.I)


@dataclass(eq=False)
class ActorHit:
    """An actor named in the text; ``role`` is actor, source, target or territory."""

    start: int
    end: int
    actor: str
    via: str = "alias"
    role: str = "actor"


class ActorFinder:
    """Matches the registry's aliases; build once per actor registry."""

    def __init__(self, actors: Mapping[str, Any]):
        self.actors = dict(actors)
        folded: dict[tuple[str, ...], str] = {}
        exact: dict[tuple[str, ...], str] = {}
        self._by_alias: dict[str, str] = {}
        for actor in self.actors.values():
            for alias in (actor.name, *actor.aliases):
                words = tuple(tokenize(alias).words)
                if not words:
                    continue
                self._by_alias.setdefault(" ".join(w.casefold() for w in words), actor.id)
                letters = "".join(words)
                if letters.isupper() and len(letters) <= 3:
                    exact.setdefault(words, actor.id)
                elif actor.name != alias or words not in folded:
                    folded.setdefault(tuple(w.casefold() for w in words), actor.id)
        self._folded, self._exact = folded, exact
        self._max = max((len(k) for k in (*folded, *exact)), default=1)
        self._first = frozenset(k[0] for k in folded) | frozenset(k[0].casefold() for k in exact)
        self._demonyms = {d: a for d, name in DEMONYMS.items() if (a := self.by_alias(name)) is not None}
        self._regime = self.by_alias(REGIME_ALIAS)
        self._us = self.by_alias(US_ALIAS)

    def by_alias(self, alias: str) -> str | None:
        """The actor id an alias (any case) belongs to."""
        return self._by_alias.get(" ".join(w.casefold() for w in tokenize(alias).words))

    def hits(self, text: str, toks: Tokens, lo: int, hi: int) -> list[ActorHit]:
        """Longest alias matches among tokens ``lo``..``hi``, then the demonym patterns."""
        words, starts, ends = toks.words, toks.starts, toks.ends
        folded_words = [w.casefold() for w in words[lo:hi]]
        out: list[ActorHit] = []
        i, n = 0, hi - lo
        while i < n:
            if folded_words[i] not in self._first:
                i += self._pattern(text, toks, lo, i, n, folded_words, out)
                continue
            length = 1
            while length < self._max and i + length < n and \
                    _GAP.match(text, ends[lo + i + length - 1], starts[lo + i + length]):
                length += 1
            found = None
            for m in range(length, 0, -1):
                exact = self._exact.get(tuple(words[lo + i:lo + i + m]))
                actor = exact or self._folded.get(tuple(folded_words[i:i + m]))
                if actor is not None:
                    found = (m, actor)
                    break
            if found is None:
                i += self._pattern(text, toks, lo, i, n, folded_words, out)
                continue
            m, actor = found
            out.append(ActorHit(starts[lo + i], ends[lo + i + m - 1], actor))
            i += m
        return out

    def _pattern(self, text: str, toks: Tokens, lo: int, i: int, n: int, folded: list[str], out: list[ActorHit]) -> int:
        """Demonym + force noun, "regime", "US": append a hit, return how many tokens it used (>= 1)."""
        word = folded[i]
        start = toks.starts[lo + i]
        if word in self._demonyms:
            lower_seen = 0
            for j in range(i + 1, min(n, i + 5)):
                w = toks.words[lo + j]
                if folded[j] in FORCE_NOUNS:
                    out.append(ActorHit(start, toks.ends[lo + j], self._demonyms[word], via="demonym"))
                    return j - i + 1
                if not w[:1].isupper():
                    lower_seen += 1
                    if lower_seen > 1:
                        break
            return 1
        if word == "regime" and self._regime is not None and not (i + 1 < n and folded[i + 1] == "change"):
            out.append(ActorHit(start, toks.ends[lo + i], self._regime, via="pattern"))
        elif toks.words[lo + i] == "US" and self._us is not None:
            out.append(ActorHit(start, toks.ends[lo + i], self._us, via="pattern"))
        return 1


def assign_roles(text: str, hits: list[ActorHit], sent_start: int, sent_end: int) -> None:
    """Mark sources, targets and territory among one sentence's actor hits (in place)."""
    for h in hits:
        before = text[max(sent_start, h.start - 40):h.start]
        if _TERRITORY_AFTER.match(text, h.end, sent_end):
            h.role = "territory"
        elif _SOURCE_BEFORE.search(before) or _SOURCE_AFTER.match(text, h.end, min(sent_end, h.end + 40)):
            h.role = "source"
        elif _TARGET_BEFORE.search(before) or _TARGET_AFTER.match(text, h.end, sent_end) or \
                _TARGET_SUBJECT.match(text, h.end, sent_end):
            h.role = "target"
