"""Parsing relative place phrases: "30 km from X", "between X and Y", "the eastern countryside of X".

``parse`` only reads the words; the gazetteer resolves the anchors and builds the footprint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DIRECTION", "DIRECTION_ADJ", "Relation", "parse", "strip_generic"]

DIRECTION = r"(?:north|south)[\s-]?(?:east|west)|north|south|east|west"
DIRECTION_ADJ = r"(?:north|south)[\s-]?(?:east|west)ern|northern|southern|eastern|western|central"
_NUM = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(km|kms|kilometers|kilometres|kilometer|kilometre|miles?|mi)\b"
_ABOUT = r"(?:(?:about|approximately|approx\.?|around|roughly|some|nearly|almost|less than|more than|over|up to)\s+)?"
_LEAD = r"^(?:in|at|to|from|on|into|toward|towards|within|inside)?\s*(?:the\s+)?"


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


_PATTERNS: list[tuple[str, re.Pattern]] = [(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in [
    ("distance_dir", _LEAD + _ABOUT + _NUM + r"\s*-?\s*" + _UNIT + r"\s+(?:away\s+)?(?:to\s+the\s+)?(" + DIRECTION + r")\s+of\s+(.+)$"),
    ("distance", _LEAD + _ABOUT + _NUM + r"\s*-?\s*" + _UNIT + r"\s+(?:away\s+)?(?:from|of|off|outside)\s+(.+)$"),
    ("between", _LEAD + r"(?:area\s+|region\s+|road\s+)?(?:between|connecting)\s+(?:the\s+(?:towns?|villages?|cities)\s+of\s+)?(.+?)\s+and\s+(.+)$"),
    ("outskirts", _LEAD + r"(?:outskirts|edges?|periphery)\s+of\s+(.+)$"),
    ("outskirts_post", _LEAD + r"(.+?)(?:'s|’s|')?\s+outskirts$"),
    ("countryside", _LEAD + r"(?:(" + DIRECTION_ADJ + r")\s+)?(?:countryside|countrysides|rural\s+areas?|rif|reef)\s+of\s+(.+)$"),
    ("countryside_post", _LEAD + r"(?:(" + DIRECTION_ADJ + r")\s+)?(.+?)(?:'s|’s|')?\s+(?:(" + DIRECTION_ADJ + r")\s+)?countryside$"),
    ("near", _LEAD + r"(?:near|nearby|close\s+to|next\s+to|in\s+the\s+vicinity\s+of|(?:the\s+)?vicinity\s+of|around|by)\s+(.+)$"),
    ("direction_of", _LEAD + r"(?:(?:a|an)\s+)?(?:region|area|areas|villages?|positions?|parts?)?\s*(?:to\s+the\s+)?(" + DIRECTION + r")\s+of\s+(.+)$"),
    ("part_of", _LEAD + r"(" + DIRECTION_ADJ + r")\s+(?:part\s+of\s+)?(.+)$"),
    ("possessive", r"^(?:the\s+)?(.+?)(?:'s|’s|'|’)\s+(.+)$"),
]]

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
        if not m:
            continue
        g = m.groups()
        if kind == "distance_dir":
            return Relation("distance", (g[3],), _km(g[0], g[1]), _direction(g[2]), t)
        if kind == "distance":
            return Relation("distance", (g[2],), _km(g[0], g[1]), None, t)
        if kind == "between":
            return Relation("between", (g[0], g[1]), phrase=t)
        if kind in ("outskirts", "outskirts_post"):
            return Relation("outskirts", (g[0],), phrase=t)
        if kind == "countryside":
            return Relation("countryside", (g[1],), direction=_direction(g[0]), phrase=t)
        if kind == "countryside_post":
            return Relation("countryside", (g[1],), direction=_direction(g[0] or g[2]), phrase=t)
        if kind == "near":
            return Relation("near", (g[0],), phrase=t)
        if kind == "direction_of":
            return Relation("direction_of", (g[1],), direction=_direction(g[0]), phrase=t)
        if kind == "part_of":
            return Relation("part_of", (g[1],), direction=_direction(g[0]), phrase=t)
        if kind == "possessive":
            return Relation("possessive", (g[1], g[0]), phrase=t)
    return None
