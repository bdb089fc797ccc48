"""Parsing relative place phrases: "30 km from X", "between X and Y", "the eastern countryside of X".

``parse`` only reads the words; the gazetteer resolves the anchors and builds the footprint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ABOUT", "BETWEEN", "COORDINATION", "COUNTRYSIDE", "DIRECTION", "DIRECTION_ADJ", "DISTANCE", "GOVERNORATE",
           "GOVERNORATE_WORDS", "HEAD", "NEAR", "OUTSKIRTS", "PLACE_NOUN", "Relation", "TAIL", "parse", "strip_generic"]

# --- building blocks: every phrase regex, here and in :mod:`gazetteer.scanning`, is made of these ---
DIRECTION = r"(?:north|south)[\s-]?(?:east|west)|north|south|east|west"
DIRECTION_ADJ = r"(?:north|south)[\s-]?(?:east|west)ern|northern|southern|eastern|western|central"
#: "about 30 km": the hedges a distance may carry.
ABOUT = r"(?:(?:about|approximately|approx\.?|around|roughly|some|nearly|almost|less\s+than|more\s+than|over|up\s+to)\s+)?"
#: "30 km", "12.5-kilometre", "20 miles": number and unit (groups ``number`` and ``unit``).
DISTANCE = r"(?P<number>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>km|kms|kilomet(?:er|re)s?|miles?|mi)\b"
#: What links a distance to its anchor without a direction ("30 km from", "off", "outside").
_DISTANCE_LINK = r"(?:from|of|off|outside)"
NEAR = r"(?:near|nearby|close\s+to|next\s+to|(?:in\s+)?(?:the\s+)?vicinity\s+of|around)"
OUTSKIRTS = r"(?:outskirts|edges?|periphery)"
COUNTRYSIDE = r"(?:countryside|countrysides|rural\s+areas?|rif|reef)"
BETWEEN = r"(?:between|connecting)"
GOVERNORATE_WORDS = ("governorate", "province")
GOVERNORATE = r"(?:" + "|".join(GOVERNORATE_WORDS) + r")"
#: Nouns naming a kind of place before its name: "the town of X", "the area known as 55".
PLACE_NOUN = r"(?:villages?|towns?|cit(?:y|ies)|areas?|regions?|base|camp)"
#: Parts named relative to a direction: "villages north of X", "positions to the east of X".
_PARTS = r"(?:region|area|areas|villages?|towns?|positions?|parts?)"
_THE = r"(?:the\s+)?"
#: What joins names in a list: "X, Y and Z", "X as well as Y".
COORDINATION = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*,\s*as\s+well\s+as\s+)"

#: The words before a relation's anchor, per relation (named groups: ``direction``, ``number``, ``unit``).
#: :func:`parse` reads a whole phrase with them; the text scanner reads them as left contexts.
HEAD = {
    "distance_dir": ABOUT + DISTANCE + r"\s+(?:away\s+)?(?:to\s+the\s+)?(?P<direction>" + DIRECTION + r")\s+of\s+",
    "distance": ABOUT + DISTANCE + r"\s+(?:away\s+)?" + _DISTANCE_LINK + r"\s+",
    "between": BETWEEN + r"\s+(?:the\s+(?:towns?|villages?|cities|areas?)\s+of\s+)?",
    "outskirts": r"(?:on\s+)?" + _THE + OUTSKIRTS + r"\s+of\s+",
    "countryside": _THE + r"(?:(?P<direction>" + DIRECTION_ADJ + r")\s+)?" + COUNTRYSIDE + r"\s+of\s+",
    "near": NEAR + r"\s+",
    "near_border": NEAR + r"\s+(?:the\s+)?(?:borders?|frontier|front\s*lines?|line)\s+(?:with|of)\s+(?:the\s+)?"
                   r"(?:occupied\s+)?",
    "direction_of": r"(?:(?:a|an|the)\s+)?(?:" + _PARTS + r"\s+)?(?:to\s+the\s+)?(?P<direction>" + DIRECTION
                    + r")\s+of\s+",
    "governorate": _THE + r"(?:(?:" + DIRECTION_ADJ + r")\s+)?" + GOVERNORATE + r"\s+of\s+",
    "part_of": _THE + r"(?P<direction>" + DIRECTION_ADJ + r")\s+(?:part\s+of\s+)?",
}
#: The words after a relation's anchor ("Homs' outskirts", "Idlib's southern countryside", "Homs province").
TAIL = {
    "outskirts_post": r"(?:'s|’s|'|’)?\s+outskirts",
    "countryside_post": r"(?:'s|’s|'|’)?\s+(?:(?P<direction2>" + DIRECTION_ADJ + r")\s+)?countryside",
    "governorate": r"\s+" + GOVERNORATE,
}
_LEAD = r"^(?:in|at|to|from|on|into|toward|towards|within|inside)?\s*(?:the\s+)?"
_ANCHOR = r"(?P<anchor>.+)$"


@dataclass(frozen=True, slots=True)
class Relation:
    """A parsed phrase: ``kind`` is distance, between, near, outskirts, countryside, direction_of or part_of."""

    kind: str
    anchors: tuple[str, ...]
    distance_km: float | None = None
    direction: str | None = None
    phrase: str = ""


def _direction(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower().replace("-", "").replace(" ", "")
    return w[:-3] if w.endswith("ern") else w


def _km(number: str, unit: str) -> float:
    value = float(number.replace(",", "."))
    return value * 1.609344 if unit.lower().startswith("mi") else value


#: Whole phrases, tried in order; each is a relation's head (or tail) around its anchor.
_PATTERNS: list[tuple[str, re.Pattern]] = [(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in [
    ("distance_dir", _LEAD + HEAD["distance_dir"] + _ANCHOR),
    ("distance", _LEAD + HEAD["distance"] + _ANCHOR),
    ("between", _LEAD + r"(?:area\s+|region\s+|road\s+)?" + HEAD["between"] + r"(?P<anchor>.+?)\s+and\s+(?P<anchor2>.+)$"),
    ("outskirts", _LEAD + HEAD["outskirts"] + _ANCHOR),
    ("outskirts_post", _LEAD + r"(?P<anchor>.+?)" + TAIL["outskirts_post"] + "$"),
    ("countryside", _LEAD + HEAD["countryside"] + _ANCHOR),
    ("countryside_post", _LEAD + r"(?:(?P<direction>" + DIRECTION_ADJ + r")\s+)?(?P<anchor>.+?)"
     + TAIL["countryside_post"] + "$"),
    ("near_border", _LEAD + HEAD["near_border"] + _ANCHOR),
    ("near", _LEAD + r"(?:" + NEAR + r"|by)\s+" + _ANCHOR),
    ("direction_of", _LEAD + HEAD["direction_of"] + _ANCHOR),
    ("part_of", _LEAD + HEAD["part_of"] + _ANCHOR),
    ("possessive", r"^(?:the\s+)?(?P<anchor2>.+?)(?:'s|’s|'|’)\s+(?P<anchor>.+)$"),
]]
#: Relation kind of each pattern (the ``_dir``/``_post`` variants are spellings of one relation).
_KIND = {"distance_dir": "distance", "near_border": "near", "outskirts_post": "outskirts", "countryside_post": "countryside"}

_GENERIC_PRE = re.compile(r"^(?:(?:in|at|to|from|on|into|near)\s+)?(?:the\s+)?(?:(?:village|town|city|area|region|vicinity|"
                          r"district|villages|towns|areas)\s+of\s+)?", re.IGNORECASE)
_GENERIC_POST = re.compile(r"\s+(?:village|town|city|area|areas|region|district|governorate|province|"
                           r"camp|countryside)$", re.IGNORECASE)


def strip_generic(text: str) -> str:
    """Drop generic words around a name: "the village of Marhatan" -> "Marhatan"."""
    if _GENERIC_WORDS.isdisjoint(_words(text)):
        return text.strip()
    out = _GENERIC_POST.sub("", _GENERIC_PRE.sub("", text.strip()))
    return out.strip(" ,.;:") or text.strip()


#: Every pattern needs a digit, an apostrophe or one of these words: a plain name fails this one
#: set test instead of every pattern (resolution runs this for every name it does not know).
_TRIGGER_WORDS = frozenset(
    "between connecting outskirts edge edges periphery countryside countrysides rural rif reef near nearby close "
    "next vicinity around by north south east west northern southern eastern western central northeast northwest "
    "southeast southwest northeastern northwestern southeastern southwestern".split())
_WORD_SPLIT = re.compile(r"[\s,;:.\-]+")
_GENERIC_WORDS = frozenset("in at to from on into near the village town city area region vicinity district villages "
                           "towns areas governorate province camp countryside".split())


def _words(text: str) -> set[str]:
    return set(_WORD_SPLIT.split(text.lower()))


def _may_be_relation(text: str) -> bool:
    return "'" in text or "’" in text or any(ch.isdigit() for ch in text) or not _TRIGGER_WORDS.isdisjoint(_words(text))


def parse(text: str) -> Relation | None:
    """The relation a phrase expresses, or None when it is (or may be) a plain name."""
    if not _may_be_relation(text):
        return None
    t = " ".join(text.strip().strip(".,;:").split())
    for kind, rx in _PATTERNS:
        m = rx.match(t)
        if m:
            return _relation(_KIND.get(kind, kind), m, t)
    return None


def _relation(kind: str, m: re.Match, phrase: str) -> Relation:
    """The Relation of one pattern's match (groups named as in :data:`HEAD` and :data:`TAIL`)."""
    found = m.groupdict()
    anchors = (found["anchor"], found["anchor2"]) if found.get("anchor2") else (found["anchor"],)
    distance = _km(found["number"], found["unit"]) if found.get("number") else None
    direction = _direction(found.get("direction") or found.get("direction2"))
    return Relation(kind, anchors, distance, direction, phrase)
