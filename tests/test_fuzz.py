"""Property-based fuzzing (issue 11) of the gazetteer's entry points and geo's date parser.

Whatever the text, the resolver, the phrase parser, the normaliser, the text scanner, the strict YAML
loader and the date parser raise nothing but the project's own errors (``GazetteerError``,
``yaml.YAMLError``, ``ValueError`` for dates); an answer's confidence lies in [0, 1], a resolved answer
is at least ``settings.MIN_CONFIDENCE`` sure, and its geometry is valid and inside the mapped region
(``settings.MAPPED_BBOX``; a curated place abroad named as itself keeps its own geometry).

Budget: the ``ci`` profile (100 examples per property, no deadline) runs by default and keeps the module
well under a minute on two cores; ``DESERT_ATLAS_FUZZ=long`` selects the ``long`` profile (2,000
examples per property) for a deeper search, e.g. ``DESERT_ATLAS_FUZZ=long .venv/bin/python -m pytest
tests/test_fuzz.py``.
"""
from __future__ import annotations

import math
import os
import string

import pytest
import shapely
import yaml
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from gazetteer import GazetteerError, find_in_text, load_gazetteer, normalize, settings, skeleton
from gazetteer.geodesy import BEARINGS
from gazetteer.phrases import Relation, parse
from gazetteer.yamlio import load as load_yaml
from geo.core.checks import parse_date

hsettings.register_profile("ci", max_examples=100, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
hsettings.register_profile("long", max_examples=2_000, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
#: The profile in use: ``$DESERT_ATLAS_FUZZ`` (``ci`` or ``long``), ``ci`` when unset.
PROFILE = hsettings.get_profile(os.environ.get("DESERT_ATLAS_FUZZ", "ci") or "ci")
fuzz = hsettings(PROFILE)

# --- strategies -----------------------------------------------------------------------------------------
_ANCHORS = ["Palmyra", "Homs", "Aleppo", "al-Tanf", "the 55 km zone", "Deir ez-Zor", "Albu Kamal", "Rastan",
            "al-Humaira", "Syria", "Iraq", "Turkey", "Moscow", "Tehran", "Russia", "Damascus", "Idlib", "حمص",
            "تدمر", "Zzyzxq", ""]
_WORDS = ["near", "north", "south-east", "of", "from", "km", "miles", "between", "and", "the", "countryside",
          "eastern", "outskirts", "province", "governorate", "village", "town", "'s", "’", "al-", "about", "30",
          "0", "1e9", "-5", "٣٠", "NaN", "inf", "{0}", "%s", "%n", "\\", "\x00", "\u200f", "\ud800"]
_LATIN = st.text(alphabet=string.ascii_letters + " -'", max_size=80)
_ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" \u0640"),
                  max_size=60)
_PUNCT = st.text(alphabet=string.digits + string.punctuation + " ’‘،؛", max_size=80)
_ANY = st.text(alphabet=st.characters(exclude_categories=()), max_size=120)  # lone surrogates and controls too
_TOKENS = st.lists(st.sampled_from(_WORDS + _ANCHORS), max_size=25).map(" ".join)
TEXTS = st.one_of(_LATIN, _ARABIC, _PUNCT, _ANY, _TOKENS, st.text(min_size=250, max_size=400))

_NUMBERS = st.one_of(st.integers(0, 10**6).map(str), st.floats(0, 2_000, allow_nan=False).map(lambda f: f"{f:.2f}"),
                     st.integers(1, 400).map(lambda n: "9" * n), st.sampled_from(["0", "0.5", "12,5", "499", "500", "501"]))
_DIRECTIONS = st.sampled_from(["north", "south", "east", "west", "north-east", "north east", "southwest", "NORTH"])
_ANCHOR = st.one_of(st.sampled_from(_ANCHORS), _LATIN)
RELATIVE = st.one_of(
    st.builds("{}{} {} from {}".format, st.sampled_from(["", "about ", "some "]), _NUMBERS,
              st.sampled_from(["km", "kilometres", "miles", "mi"]), _ANCHOR),
    st.builds("{} km {} of {}".format, _NUMBERS, _DIRECTIONS, _ANCHOR),
    st.builds("between {} and {}".format, _ANCHOR, _ANCHOR),
    st.builds("{}{}".format, st.lists(st.sampled_from(["near ", "outskirts of ", "the eastern countryside of ",
                                                       "north of ", "the northern part of "]), max_size=6).map("".join),
              _ANCHOR),
    st.builds("{}'s {}".format, _ANCHOR, _ANCHOR),
)

_RELATIONS = {"distance", "between", "near", "outskirts", "countryside", "direction_of", "part_of", "possessive"}


@pytest.fixture(scope="module")
def gz():
    return load_gazetteer()


def _check_answer(res) -> None:
    """The properties every answer keeps, resolved or not."""
    assert 0.0 <= res.confidence <= 1.0 and not math.isnan(res.confidence)
    if not res.resolved:
        return
    assert res.confidence >= settings.MIN_CONFIDENCE
    assert res.geometry is not None and shapely.is_valid(res.geometry)
    own = res.place is not None and res.parse is None and res.geometry is res.place.geometry
    if not own:  # a footprint (or any answer not a curated place named as itself) stays on the map
        assert res.geometry.within(shapely.box(*settings.MAPPED_BBOX)), res.query


def _resolve(gz, text: str):
    try:
        return gz.resolve(text)
    except GazetteerError:
        return None


# --- the resolver -----------------------------------------------------------------------------------------
@fuzz
@given(text=TEXTS)
def test_resolving_any_text_keeps_the_answer_properties(gz, text):
    res = _resolve(gz, text)
    if res is not None:
        _check_answer(res)


@fuzz
@given(text=RELATIVE)
def test_resolving_relative_phrases_keeps_the_answer_properties(gz, text):
    res = _resolve(gz, text)
    if res is not None:
        _check_answer(res)
        if res.resolved and res.parse and res.parse.get("distance_km") is not None:
            assert res.parse["distance_km"] <= settings.MAX_DISTANCE_KM


# --- the phrase parser, the normaliser and the text scanner ----------------------------------------------
@fuzz
@given(text=st.one_of(TEXTS, RELATIVE))
def test_the_phrase_parser_reads_any_text_into_a_relation_or_none(text):
    rel = parse(text)
    if rel is None:
        return
    assert isinstance(rel, Relation) and rel.kind in _RELATIONS
    assert rel.anchors and all(isinstance(a, str) and a for a in rel.anchors)
    assert rel.distance_km is None or rel.distance_km >= 0  # inf is possible; the resolver refuses it
    assert rel.direction is None or rel.direction in BEARINGS or rel.direction == "central"


@fuzz
@given(text=TEXTS)
def test_the_normaliser_is_total_and_idempotent(text):
    key = normalize(text)
    assert isinstance(key, str) and normalize(key) == key
    assert isinstance(skeleton(text), str)


@fuzz
@given(text=st.one_of(TEXTS, RELATIVE, st.lists(st.one_of(TEXTS, RELATIVE), max_size=5).map(". ".join)))
def test_the_text_scanner_finds_mentions_inside_the_text(gz, text):
    previous = 0
    for m in find_in_text(gz, text):  # in text order, each inside the text
        assert previous <= m.start <= m.end <= len(text)
        assert isinstance(m.query, str) and m.query
        previous = m.start


# --- the strict YAML loader and the date parser -------------------------------------------------------------
_YAML = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=120),
    st.lists(st.sampled_from(["? ", "[a, b]", "{a: 1}", ": ", "- ", "&x ", "*x ", "!!str ", "!!binary ", "!!python/tuple ",
                              "\n", "  ", "a", "1", "'", '"', "|", ">", "#", "%YAML 1.1\n", "---\n", "...\n", ",", "@"]),
             max_size=30).map("".join),
)


@fuzz
@given(text=_YAML)
def test_the_strict_yaml_loader_gives_a_value_or_a_yaml_error(text):
    try:
        load_yaml(text)
    except yaml.YAMLError:
        pass


@fuzz
@given(value=st.one_of(st.text(max_size=20), st.text(alphabet="0123456789-", max_size=12), st.integers(),
                       st.dates(), st.none(), st.floats(), st.booleans()))
def test_the_date_parser_gives_a_date_or_a_value_error(value):
    try:
        first, last, granularity = parse_date(value)
    except ValueError:
        return
    assert first <= last and granularity in ("day", "month", "year")
