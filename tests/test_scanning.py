"""``gazetteer.find_in_text``: names and relative phrases found in running text, once, by the gazetteer."""
from __future__ import annotations

import pytest

from gazetteer import Gazetteer, Place, TextMention, find_in_text, load_gazetteer


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return load_gazetteer()


def _found(gz: Gazetteer, text: str) -> list[tuple[str, str | None]]:
    return [(text[m.start:m.end], m.relation) for m in find_in_text(gz, text)]


def test_latin_transliterations_meet_on_one_place(gz):
    text = "Militias left Albu Kamal for Tadmur, then al-Bukamal again."
    found = find_in_text(gz, text)
    assert [text[m.start:m.end] for m in found] == ["Albu Kamal", "Tadmur", "al-Bukamal"]
    assert [m.place_ids[0] for m in found] == ["bukamal", "palmyra", "bukamal"]
    assert all(m.query == text[m.start:m.end] and m.relation is None for m in found)


def test_arabic_script_is_found_with_its_offsets(gz):
    text = "وصلت تعزيزات إلى البوكمال أمس"
    [m] = find_in_text(gz, text)
    assert text[m.start:m.end] == "البوكمال" and m.place_ids == ("bukamal",)


def test_relative_phrases_are_parsed_with_their_anchors(gz):
    text = ("Fighters moved between al-Humaira and al-Hafar, into the eastern countryside of Dayr az-Zawr, "
            "to about 20 km from the Tiyas airbase and near Homs' Rastan and Talbisah.")
    found = {text[m.start:m.end]: m for m in find_in_text(gz, text)}
    between = found["between al-Humaira and al-Hafar"]
    assert between.relation == "between" and [p.query for p in between.parts] == ["al-Humaira", "al-Hafar"]
    assert found["the eastern countryside of Dayr az-Zawr"].relation == "countryside"
    distance = found["about 20 km from the Tiyas airbase"]
    assert distance.relation == "distance" and [n.query for n in distance.names()] == ["Tiyas airbase"]
    near = found["near Homs' Rastan"]
    assert near.relation == "near" and near.parts[0].relation == "possessive"
    assert [n.query for n in near.names()] == ["Homs", "Rastan"]
    assert found["Talbisah"].relation == "near" and found["Talbisah"].query == "near Talbisah"


def test_every_phrase_query_reads_back_as_its_relation(gz):
    from gazetteer.phrases import parse

    text = "Shelling hit villages north of Hama, the outskirts of Mayadin and eastern Syria."
    found = [m for m in find_in_text(gz, text) if m.relation]
    assert {m.relation for m in found} == {"direction_of", "outskirts", "part_of"}
    for m in found:
        assert parse(m.query).kind == m.relation  # one grammar: the scanner's phrases are the parser's


def test_a_governorate_named_through_its_capital(gz):
    text = "Clashes spread across the province of Raqqa."
    [m] = find_in_text(gz, text)
    assert text[m.start:m.end] == "the province of Raqqa" and m.query == "Raqqa governorate"
    assert gz.resolve(m.query).feature_type == "governorate"


def test_longest_match_wins(gz):
    text = "The convoy crossed Deir ez-Zor and Tal Abyad."
    assert [q for q, _ in _found(gz, text)] == ["Deir ez-Zor", "Tal Abyad"]


def test_false_friends_are_not_places(gz):
    friends = [Place(id=f"gn:9{i}", name=name, feature_type="village", lat=35.0 + i / 10, lon=37.0,
                     governorate="SY04", country="SY", uncertainty_m=1000, source="test")
               for i, name in enumerate(["Hope", "Most", "Tal"])]
    g = Gazetteer([*gz.places, *friends])
    text = "Hope faded. Most fighters left the tal near Homsville and Homsfield; the homs road stayed shut."
    assert find_in_text(g, text) == []


def test_a_name_at_the_very_end_and_a_window(gz):
    text = "Reinforcements arrived in Palmyra"
    [m] = find_in_text(gz, text)
    assert (m.start, m.end) == (len(text) - len("Palmyra"), len(text))
    two = "Tadmur was calm. Fighting in Homs."
    assert [q for q, _ in [(two[m.start:m.end], m) for m in find_in_text(gz, two, start=17)]] == ["Homs"]
    assert find_in_text(gz, two, end=16)[0].query == "Tadmur"


def test_mentions_are_plain_values():
    m = TextMention(0, 4, "Homs", place_ids=("homs",))
    assert list(m.names()) == [m] and m.relation is None
