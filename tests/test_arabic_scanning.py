"""Arabic place names as Arabic reports write them (issue 14): clitics glued on, glued spellings,
common words and outlet names that are not places. The sentences are our own."""
from __future__ import annotations

import pytest

from gazetteer import Gazetteer, Place, find_in_text, load_gazetteer
from gazetteer.normalize import arabic_bare_forms, normalize
from geo.ingest.ingester import Ingester


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return load_gazetteer()


def _found(gz: Gazetteer, text: str) -> list[tuple[str, str, str]]:
    """(span in the text, query, first place id) of each mention."""
    return [(text[m.start:m.end], m.query, m.place_ids[0] if m.place_ids else "") for m in find_in_text(gz, text)]


# --- clitics ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "span", "query", "place"), [
    ("وصل الرتل إلى عين عيسى وإيران تراقب", "إيران", "إيران", "iran"),
    ("أرسلت الميليشيا مقاتلين لإيران أمس", "إيران", "إيران", "iran"),
    ("تمركزت القوات بالبوكمال منذ الصباح", "البوكمال", "البوكمال", "bukamal"),
    ("عادت الدورية وبالبوكمال نقطة جديدة", "البوكمال", "البوكمال", "bukamal"),
    ("نقلت الشحنة للبوكمال ليلاً", "لبوكمال", "البوكمال", "bukamal"),
    ("اشتباكات في السبخة والجلاء", "الجلاء", "الجلاء", "gn:166597"),
    ("قصف على والسبخة بعد الظهر", "السبخة", "السبخة", "gn:172511"),
])
def test_a_clitic_glued_to_a_name_is_cut_off(gz, text, span, query, place):
    assert (span, query, place) in _found(gz, text)


def test_a_clitic_before_the_countryside_of_a_governorate(gz):
    text = "انتشرت مجموعات بريف دير الزور الشرقي"
    spans = [s for s, _, _ in _found(gz, text)]
    assert any(s.startswith("ريف دير الزور") for s in spans)


def test_a_name_starting_with_a_clitic_letter_keeps_it(gz):
    """"بلودان" is a name: never read as ب + "لودان", even when "لودان" is a place too."""
    bludan = Place(id="bludan", name="Bludan", aliases=("بلودان",), lat=33.73, lon=36.13, feature_type="town")
    decoy = Place(id="ludan", name="Ludan", aliases=("لودان",), lat=35.0, lon=38.0, feature_type="village")
    g = Gazetteer([*gz.places, bludan, decoy])
    assert _found(g, "زار الوفد بلودان أمس") == [("بلودان", "بلودان", "bludan")]
    assert _found(g, "زار الوفد لودان أمس") == [("لودان", "لودان", "ludan")]


def test_bare_forms_of_a_word():
    assert (1, "الجلاء") in arabic_bare_forms("والجلاء")
    assert (2, "البوكمال") in arabic_bare_forms("وبالبوكمال")
    assert (1, "البوكمال") in arabic_bare_forms("للبوكمال")
    assert arabic_bare_forms("حمص") == [] and arabic_bare_forms("و") == []


def test_a_clitic_before_a_two_word_name(gz):
    assert ("تل أبيض", "تل أبيض", "tal_abyad") in _found(gz, "انسحبت الفصائل من رأس العين وتل أبيض")


# --- glued or split spellings -------------------------------------------------------------------
def test_deir_ez_zor_without_its_space(gz):
    assert ("ديرالزور", "ديرالزور", "deir_ez_zor") in _found(gz, "وصلت تعزيزات إلى ديرالزور ليلاً")


def test_a_three_letter_key_the_gazetteer_writes_with_its_article(gz):
    assert len(normalize("الجلاء")) == 3
    assert ("الجلاء", "الجلاء", "gn:166597") in _found(gz, "سقطت قذائف على الجلاء صباحاً")


# --- common words and outlet names --------------------------------------------------------------
def test_the_syrian_adjective_is_not_syria(gz):
    assert _found(gz, "قالت الحكومة السورية إن الجيش السوري انسحب") == []
    assert [p for _, _, p in _found(gz, "عاد اللاجئون إلى سورية وسوريا")] == ["syria", "syria"]


def test_an_outlet_name_is_not_a_place(gz):
    assert _found(gz, "نقل تلفزيون سوريا عن مصادر محلية أن القصف توقف") == []
    assert [s for s, _, _ in _found(gz, "ذكر تلفزيون سوريا أن رتلاً وصل إلى البوكمال")] == ["البوكمال"]


@pytest.mark.parametrize("text", ["افتتحت مدرسة جديدة هذا العام", "دخلت القوات مدينة صغيرة", "تمتد بادية واسعة هناك"])
def test_common_words_alone_are_not_places(gz, text):
    assert _found(gz, text) == []


def test_common_words_inside_a_longer_name_still_count(gz):
    places = [p for _, _, p in _found(gz, "أغلق معبر جديدة يابوس وتحركت أرتال في البادية")]
    assert places == ["jdeidet_yabous_crossing", "badia"]


# --- English unchanged, and the ingester -----------------------------------------------------------
def test_an_english_report_is_read_as_before(gz):
    text = "Militias left Albu Kamal for Tadmur; the Syrian army said Deir ez-Zor was quiet."
    assert [p for _, _, p in _found(gz, text)] == ["bukamal", "palmyra", "deir_ez_zor"]


def test_a_report_whose_places_all_carry_clitics_is_not_refused():
    text = "قصفت مدفعية تركية محيط صرين وعين عيسى فجر الاثنين، ووصلت تعزيزات لإيران بالبوكمال.\n"
    result = Ingester().ingest_text(text, name="ar.txt")  # raised "names no place" before
    assert result is not None
