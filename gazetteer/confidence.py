"""How sure an answer is: the evidence a name match carries, weighed against every other explanation.

Each candidate place gets a weight: how well the query's spelling fits one of its names
(``match_quality``), how often places of its rank are meant (``rank_prior``), whether it is of the
kind the query asks for, whether it lies where the context says, and whether it lies near the
other places of the same report. Besides the known candidates there is always one more
explanation: a place the gazetteer does not know (``unknown_weight``), likely when the gazetteer
knows few of Syria's villages. A candidate's share of the total weight is the probability that it
is the place meant; the confidence is that share, never more than the spelling evidence allows.
The constants were calibrated on a real village gazetteer (``python -m benchmarks gazetteer``).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA

from .model import Place
from .normalize import is_arabic, skeleton

#: Types a report means by "village", "town", ... (hamlets are villages to a reader).
SETTLEMENT_TYPES = frozenset({"city", "town", "village", "hamlet", "capital", "camp", "suburb", "neighbourhood"})
#: Facilities named after the village beside them: the bare name more often means the village.
FACILITY_TYPES = frozenset({"airbase", "base", "oil_field", "gas_field", "crossing", "dam", "airport"})
#: A bare facility name (no "airbase", "field", ... in the query) is never more certain than this.
FACILITY_BARE_CAP = 0.75
#: Quality of a name spelt exactly as the gazetteer has it (up to case, diacritics and articles).
EXACT = 0.97
#: How strongly a better spelling match outweighs a worse one (likelihood = quality ** power).
QUALITY_POWER = 10.0
#: Weight of a candidate lying where the context says, and of one lying elsewhere.
CONTEXT_GAIN, CONTEXT_MISS = 10.0, 0.05
#: A candidate outside the stated context is never more certain than this (it stays a suggestion).
OUTSIDE_CONTEXT_CAP = 0.55
#: A place known in full by this many Syrian settlements is taken to know nearly every village; with
#: fewer, an exact match to a small village may be one of its unknown homonyms.
SETTLEMENTS_FOR_FULL_COVERAGE = 2_500
#: The "a place the gazetteer does not know" explanation, for a gazetteer knowing no village / all.
UNKNOWN_WEIGHT, UNKNOWN_FLOOR = 0.6, 0.03
#: Candidates closer than this, or than their uncertainties together, are one place listed twice
#: (by two sources), not homonyms.
DUPLICATE_KM = 5.0
#: Co-mentioned places pull a candidate this much (x(1 + gain)) when they lie on it, fading with distance.
JOINT_GAIN, JOINT_SCALE_KM = 9.0, 25.0
#: A runner-up holding at least this share makes the answer ambiguous when the best is not sure.
RIVAL_SHARE = 0.2

_TYPE_WORDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("village", "villages", "hamlet", "farm"), frozenset({"village", "hamlet", "town"})),
    **dict.fromkeys(("town", "towns"), frozenset({"town", "city", "village"})),
    **dict.fromkeys(("city", "cities"), frozenset({"city", "capital", "town"})),
    **dict.fromkeys(("airbase", "airport", "airfield", "airstrip", "aerodrome"), frozenset({"airbase", "airport"})),
    **dict.fromkeys(("base", "garrison", "barracks"), frozenset({"base", "airbase"})),
    **dict.fromkeys(("field", "fields", "oilfield", "oilfields", "gasfield"), frozenset({"oil_field", "gas_field"})),
    **dict.fromkeys(("crossing", "border"), frozenset({"crossing"})),
    "camp": frozenset({"camp"}),
    **dict.fromkeys(("mount", "mountain", "mountains"), frozenset({"mountain", "mountain_range"})),
    "dam": frozenset({"dam"}),
    **dict.fromkeys(("governorate", "province"), frozenset({"governorate"})),
}
_WORDS = re.compile(r"[a-z]+")
#: Any of the type words as a whole word: most queries have none, and one search says so.
_ANY_TYPE_WORD = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(_TYPE_WORDS, key=len, reverse=True)) + r")(?![a-z])")
_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 14)
def asked_types(query: str) -> frozenset[str]:
    """Feature types the query's own words ask for ("the village of X", "X airbase"); empty if none."""
    folded = query.casefold()
    if "base" not in folded and _ANY_TYPE_WORD.search(folded) is None:
        return _NONE
    out: set[str] = set()
    for word in _WORDS.findall(folded):
        out |= _TYPE_WORDS.get(word, frozenset())
    if "air" in query.casefold().split() and "base" in query.casefold():
        out.add("airbase")
    return frozenset(out)


def match_quality(query_key: str, cand_key: str, *, surface: bool) -> float:
    """How well a query spells a name, 0-1: exact forms near 1, a far or short near-miss low.

    An exact normalised key is weaker than an exact surface form when the key is short: "Batha"
    and "al-Baath" share the key ``bat``. A near-miss counts by edits relative to length; same
    consonants with other vowels (the commonest transliteration slip) costs less, but only when
    the skeleton is long enough to mean something. A transposition is one edit.
    """
    if query_key == cand_key:
        if surface:
            return EXACT
        if is_arabic(query_key):
            return 0.95
        n = len(query_key)
        return 0.85 if n >= 5 else 0.75 if n == 4 else 0.55
    rel = OSA.distance(query_key, cand_key) / max(len(query_key), len(cand_key))
    sk = skeleton(query_key)
    if not is_arabic(query_key) and sk == skeleton(cand_key) and len(sk) >= 3:
        return (0.88 if len(sk) >= 4 else 0.72) - 0.3 * rel  # only vowels differ: they cost little
    return max(0.95 - 1.5 * rel, 0.0)


def rank_prior(place: Place) -> float:
    """How often places of this rank are what a report means: cities far more than hamlets."""
    pop = place.population or 0
    curated = ":" not in place.id
    if place.feature_type in ("capital", "city") or pop >= 100_000:
        return 30.0
    if place.feature_type == "governorate" or (curated and place.feature_type not in SETTLEMENT_TYPES):
        return 10.0  # curated bases, fields, regions and zones are there because reports name them
    if (curated and place.feature_type == "town") or pop >= 10_000:
        return 2.0
    if curated:
        return 1.5
    return 0.6 if place.feature_type == "hamlet" else 1.0


def coverage(places: Iterable[Place]) -> float:
    """Share of Syria's villages the gazetteer may be taken to know (0-1), from how many it holds."""
    n = sum(1 for p in places if p.feature_type in SETTLEMENT_TYPES and p.country in ("SY", None))
    return min(n / SETTLEMENTS_FOR_FULL_COVERAGE, 1.0)


def unknown_weight(cover: float) -> float:
    """Weight of "a place the gazetteer does not know" (spelt exactly as asked), next to a known
    village matched exactly, whose weight is ``EXACT ** QUALITY_POWER``."""
    return EXACT ** QUALITY_POWER * (UNKNOWN_FLOOR + UNKNOWN_WEIGHT * (1.0 - cover))


def bare_name_cap(place: Place, asked: frozenset[str]) -> float:
    """Ceiling for a facility or a feature named "X airfield", "Mount X" asked for by its bare name:
    the bare name more often means the village the feature is named after."""
    if asked:
        return 1.0
    if place.feature_type in FACILITY_TYPES or asked_types(place.name):
        return FACILITY_BARE_CAP
    return 1.0


def alone(place: Place, quality: float, query: str, *, fuzzy: bool, surface: bool, cover: float) -> float:
    """Confidence when one place answers the name and nothing else is known (the common case)."""
    asked = asked_types(query)
    w = (quality ** QUALITY_POWER * rank_prior(place) ** (0.5 if fuzzy else 1.0)
         * type_factor(place, asked, fuzzy=fuzzy) * abroad_factor(place, surface=surface))
    return min(quality, w / (w + unknown_weight(cover)), bare_name_cap(place, asked))


def type_factor(place: Place, asked: frozenset[str], *, fuzzy: bool) -> float:
    """A village query answered by an airfield, a country or a foreign city is suspect."""
    if asked:
        return 5.0 if place.feature_type in asked else 0.3
    if fuzzy and place.feature_type == "country":
        return 0.05
    if fuzzy and place.feature_type in FACILITY_TYPES:
        return 0.3
    return 1.0


def abroad_factor(place: Place, *, surface: bool) -> float:
    """A foreign place reached only through a lossy key or a near-miss is most likely a Syrian village."""
    return 1.0 if surface or place.country in ("SY", None) else 0.1


def distances_km(lon: np.ndarray, lat: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between every point of the first set and every one of the second."""
    lon, lat, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon, lat, lon2, lat2))
    dlat = lat[:, None] - lat2[None, :]
    dlon = lon[:, None] - lon2[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def joint_factor(lon: np.ndarray, lat: np.ndarray, anchors: Sequence[Sequence[tuple[float, float, float]]]) -> np.ndarray:
    """Pull of co-mentioned places on each candidate point: 1 + gain x (sum over mentions of the
    nearest anchor's weight, fading with distance). ``anchors`` holds one list of (lon, lat, weight)
    per other mention: its answer, or the candidates of an ambiguous one with their shares."""
    support = np.zeros(len(lon))
    for group in anchors:
        if not group:
            continue
        a = np.asarray(group, dtype=float)
        d = distances_km(lon, lat, a[:, 0], a[:, 1])
        support += (a[None, :, 2] * np.exp(-d / JOINT_SCALE_KM)).max(axis=1)
    return 1.0 + JOINT_GAIN * support


def distinct_places(places: Sequence[Place], order: Sequence[int]) -> tuple[list[int], dict[int, int]]:
    """(heads, member -> head): walking candidates heaviest first, a point that cannot be told apart
    from a heavier one (closer than ``DUPLICATE_KM`` or than their uncertainties together) is that
    place listed by another source, not a homonym; it neither counts twice nor competes."""
    heads: list[int] = []
    member: dict[int, int] = {}
    for i in order:
        p = places[i]
        if not p.is_area:
            for h in heads:
                q = places[h]
                reach = max(DUPLICATE_KM, (p.uncertainty_m + q.uncertainty_m) / 1000.0)
                # The latitude difference alone is a lower bound of the distance: most homonyms lie
                # far apart, and this skips their trigonometry (the margin keeps rounding out of it).
                if abs(p.lat - q.lat) * _KM_PER_DEGREE > reach * (1.0 + 1e-9) + 1e-9:
                    continue
                if not q.is_area and _km(p.lon, p.lat, q.lon, q.lat) < reach:
                    member[i] = h
                    break
            else:
                heads.append(i)
                continue
            continue
        heads.append(i)
    return heads, member


#: Great-circle km per degree of latitude on the sphere ``_km`` uses.
_KM_PER_DEGREE = 6371.0 * math.pi / 180.0


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance of two points (km); scalar, for the few candidates of one name."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
