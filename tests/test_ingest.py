"""Bringing a report in: what the ingester finds in a text and what it proposes (geo.ingest.ingester).

The report texts in ``tests/fixtures/ingest/`` are our own, written in the style of the reporting
the tool reads: transliteration variants, Arabic script, relative places, weekday dates, page
furniture and a readers' comment section.  The seed-report tests run on ``../shared/seeds``.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from geo.ingest.text import layout
from geo.ingest.ingester import MAX_REPORT_BYTES, IngestError, Ingester, Source

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
BADIA = FIXTURES / "badia_ops_room.txt"
DEIR = FIXTURES / "deir_ezzor_reinforcements.txt"
GOLAN = FIXTURES / "golan_front_statement.txt"
NO_PLACE = FIXTURES / "no_place.txt"
THURSDAY = date(2019, 3, 14)


@pytest.fixture(scope="module")
def ingester(real_gazetteer):
    from geo.core.problems import ProblemLog
    from geo.store import DataFolder

    return Ingester(gazetteer=real_gazetteer, actors=DataFolder(REPO / "data").actors(ProblemLog()), known_reports={})


def _mentions(result, **match):
    return [m for m in result.mentions if all(m.get(k) == v for k, v in match.items())]


def _span(result, candidate):
    return [result.text[e["start"]:e["end"]] for e in candidate["evidence"]]


# --- places ------------------------------------------------------------------------------------
def test_transliterations_and_arabic_script_resolve_to_the_curated_places(ingester):
    badia = ingester.ingest_file(BADIA, Source(published=THURSDAY))
    deir = ingester.ingest_file(DEIR, Source(published=THURSDAY))
    found = {(m["text"], m["id"]) for r in (badia, deir) for m in r.mentions
             if m["zone"] == "body" and m["role"] in ("place", "anchor", "context")}
    assert ("Tadmur", "palmyra") in found
    assert ("as-Sukhnah", "sukhnah") in found
    assert ("Albu Kamal", "bukamal") in found and ("al-Bukamal", "bukamal") in found
    assert ("البوكمال", "bukamal") in found
    assert ("Deir Ezzour", "deir_ez_zor") not in found  # the activists' whereabouts, not a place of the story
    assert [m["role"] for m in _mentions(badia, text="Deir Ezzour")] == ["source"]
    assert ("Tiyas airbase", "t4_airbase") in found
    for r in (badia, deir):
        for m in r.mentions:  # offsets point at the very characters
            assert r.text[m["start"]:m["end"]] == m["text"]
            assert {"text", "start", "end", "resolved", "id", "lat", "lon", "geo_precision"} <= set(m)


def test_relative_phrases_become_honest_footprints(ingester, real_gazetteer):
    badia = ingester.ingest_file(BADIA, Source(published=THURSDAY))
    between = _mentions(badia, relation="between")[0]
    assert between["text"] == "between as-Sukhnah and Tadmur"
    assert set(between["keys"]) == {"sukhnah", "palmyra"} and between["id"] is None
    sukhnah, palmyra = real_gazetteer.get("sukhnah"), real_gazetteer.get("palmyra")
    assert min(sukhnah.lon, palmyra.lon) < between["lon"] < max(sukhnah.lon, palmyra.lon)
    assert between["geo_precision"] >= 2  # never "the place itself"
    distance = _mentions(badia, relation="distance")[0]
    assert distance["text"] == "about 20 km from the Tiyas airbase" and distance["keys"] == ["t4_airbase"]

    deir = ingester.ingest_file(DEIR, Source(published=THURSDAY))
    countryside = _mentions(deir, relation="countryside")[0]
    assert countryside["text"] == "the eastern countryside of Dayr az-Zawr"
    assert "SY09" in countryside["keys"] and countryside["feature_type"] == "governorate_part"
    outskirts = _mentions(deir, relation="outskirts")[0]
    assert outskirts["keys"] == ["mayadin"]

    golan = ingester.ingest_file(GOLAN, Source(published=THURSDAY))
    near = next(m for m in golan.mentions if m["relation"] == "near" and "Tal Kalakh" in m["text"])
    town = real_gazetteer.get("tal_kalakh")
    assert abs(near["lat"] - town.lat) < 0.01 and abs(near["lon"] - town.lon) < 0.01
    assert near["uncertainty_m"] > 10_000  # "near" widens the town's own uncertainty


def test_common_words_that_are_place_names_elsewhere_are_not_places(real_gazetteer):
    from gazetteer import Gazetteer, Place

    false_friends = [Place(id=f"gn:9{i}", name=name, feature_type="village", lat=35.0 + i / 10, lon=37.0,
                           governorate="SY04", country="SY", uncertainty_m=1000, source="test")
                     for i, name in enumerate(["Most", "As", "Tal", "Share"])]
    gz = Gazetteer([*real_gazetteer.places, *false_friends])
    from geo.core.problems import ProblemLog
    from geo.store import DataFolder

    ing = Ingester(gazetteer=gz, actors=DataFolder(REPO / "data").actors(ProblemLog()), known_reports={})
    text = ("Most of the fighters left Tal Abyad on Monday. As expected, shelling hit the homs road near the tal, "
            "and Share prices fell.")
    result = ing.ingest_text(text, name="friends.txt", source=Source(published=THURSDAY))
    names = {m["text"] for m in result.mentions}
    assert names == {"Tal Abyad"}


def test_a_reports_homonyms_are_resolved_with_the_places_named_beside_them(real_gazetteer):
    """Two made-up village names, each borne by two villages: one pair near al-Bukamal, one far west."""
    from gazetteer import Gazetteer, Place
    from geo.core.problems import ProblemLog
    from geo.store import DataFolder

    bukamal = real_gazetteer["bukamal"]

    def village(pid, name, lat, lon, gov):
        return Place(id=f"test:{pid}", name=name, feature_type="village", lat=lat, lon=lon, governorate=gov,
                     country="SY", uncertainty_m=1000, source="test")

    twins = [village("qaryat_east", "Qaryat Nawashiq", bukamal.lat + 0.05, bukamal.lon - 0.08, "SY09"),
             village("qaryat_west", "Qaryat Nawashiq", 36.1, 37.0, "SY02"),
             village("mazraat_east", "Mazraat Fawqani", bukamal.lat - 0.06, bukamal.lon - 0.1, "SY09"),
             village("mazraat_west", "Mazraat Fawqani", 33.5, 36.3, "SY03")]
    gz = Gazetteer([*real_gazetteer.places, *twins])
    assert gz.resolve("Qaryat Nawashiq").ambiguous  # alone, the name is a toss-up
    ing = Ingester(gazetteer=gz, actors=DataFolder(REPO / "data").actors(ProblemLog()), known_reports={})
    text = ("Iranian-backed militias deployed fighters to Qaryat Nawashiq on Monday. "
            "They also set up a base in Mazraat Fawqani, a few kilometres from al-Bukamal.")
    result = ing.ingest_text(text, name="homonyms.txt", source=Source(published=THURSDAY))
    ids = {m["text"]: m["id"] for m in result.mentions}
    assert ids["Qaryat Nawashiq"] == "test:qaryat_east" and ids["Mazraat Fawqani"] == "test:mazraat_east"

    # Named alone, nothing says which village is meant: neither is picked silently.
    with pytest.raises(IngestError, match="names no place"):
        ing.ingest_text("Iranian-backed militias deployed fighters to Qaryat Nawashiq on Monday.",
                        name="alone.txt", source=Source(published=THURSDAY))
    beside_damascus = ing.ingest_text("Militias deployed fighters to Qaryat Nawashiq and to Damascus on Monday.",
                                      name="two.txt", source=Source(published=THURSDAY))
    assert not any("test:" in json.dumps(c) for c in beside_damascus.candidates)


def test_short_capital_aliases_match_only_in_capitals(ingester):
    caps = ingester.ingest_text("IS fighters shelled the outskirts of Palmyra on Monday.", name="caps.txt",
                                source=Source(published=THURSDAY))
    verb = ingester.ingest_text("The army is shelling the outskirts of Palmyra, a commander said on Monday.",
                                name="verb.txt", source=Source(published=THURSDAY))
    assert [c["actors"] for c in caps.candidates if c["kind"] == "strike"] == [["isis"]]
    assert all("isis" not in c["actors"] for c in verb.candidates)
    assert [c["actors"] for c in verb.candidates if c["kind"] == "strike"] == [["unknown"]]


# --- dates -------------------------------------------------------------------------------------
def test_dates_count_back_from_the_publication_date_without_false_precision(ingester):
    badia = ingester.ingest_file(BADIA, Source(published=THURSDAY))  # 14 March 2019 was a Thursday
    by_kind = {c["kind"]: c for c in badia.candidates}
    room = by_kind["facility"]
    assert (room["date_start"], room["date_end"], room["date_precision"]) == ("2019-03-12", "2019-03-12", "day")
    assert room["date_text"] == "on Tuesday" and room["subtype"] == "operations_room"
    strike = by_kind["strike"]
    assert (strike["date_start"], strike["date_precision"], strike["date_text"]) == \
        ("2019-03-13", "day", "on Wednesday morning")
    trucks = by_kind["movement"]  # "over the past few days": a window, never one day
    assert trucks["date_end"] == "2019-03-14" and trucks["date_start"] < "2019-03-12"
    assert trucks["date_precision"] == "week"

    golan = ingester.ingest_file(GOLAN, Source(published=THURSDAY))
    build_up = next(c for c in golan.candidates if c["kind"] == "deployment")
    assert (build_up["date_start"], build_up["date_end"]) == ("2019-01-14", "2019-03-14")
    assert build_up["date_precision"] == "year"  # two months need the coarsest unit, as the validator rules


def test_without_a_publication_date_relative_dates_stay_unknown(ingester):
    result = ingester.ingest_file(BADIA)
    room = next(c for c in result.candidates if c["kind"] == "facility")
    assert room["date_start"] is None and room["date_end"] is None and room["date_precision"] is None
    assert "publication date is unknown" in room["notes"] and "--published" in room["notes"]


# --- noise -------------------------------------------------------------------------------------
def test_page_furniture_and_readers_comments_make_no_candidates(ingester):
    result = ingester.ingest_file(BADIA, Source(published=THURSDAY))
    text = result.text
    noise_from = text.index("Photo:")
    caption_end = text.index("\n", noise_from)
    tail = text.index("This report was translated")
    for c in result.candidates:
        for e in c["evidence"]:
            assert not (noise_from <= e["start"] < caption_end) and e["start"] < tail, _span(result, c)
    zones = result.report["zones"]
    assert zones["comment"] >= 4 and zones["boilerplate"] >= 3 and zones["caption"] == 1
    assert result.report["comments_start"] == text.index("3 Comments")
    assert not any(m["start"] >= result.report["comments_start"] for m in result.mentions)  # Palmyra in a comment
    assert result.report["unverified"] and "not been verified" in result.report["caveat"]


def test_a_duplicated_paragraph_yields_one_candidate(ingester):
    result = ingester.ingest_file(DEIR, Source(published=date(2019, 6, 14)))
    second_copy = result.text.index("The Islamic Revolutionary Guard Corps (IRGC) also sent", 300)
    copy_end = result.text.index("\n", second_copy)
    moves = [c for c in result.candidates if c["kind"] == "movement"]
    assert len(moves) == 1
    assert moves[0]["route"] == ["mayadin", "bukamal"] and moves[0]["actors"] == ["irgc"]
    assert not any(second_copy <= e["start"] < copy_end for c in result.candidates for e in c["evidence"])
    assert result.report["zones"]["duplicate"] >= 2


def test_candidates_carry_their_evidence_and_the_record_schema(ingester):
    result = ingester.ingest_file(DEIR, Source(outlet="Fixture Wire", published=date(2019, 6, 14)))
    assert result.candidates
    for c in result.candidates:
        assert c["status"] == "candidate" and c["sources"] == [{"report": result.report["id"]}]
        assert c["id"].startswith("cand-") and c["kind"] in {"facility", "deployment", "movement", "strike",
                                                              "operation", "statement"}
        for e in c["evidence"]:
            span = result.text[e["start"]:e["end"]]
            assert e["sha256"] == hashlib.sha256(span.encode("utf-8")).hexdigest()
            assert e["report"] == result.report["id"]
        # The key says what the candidate says: report, first span, kind, then a digest of places and route.
        assert c["review"]["key"].startswith(f"{result.report['sha256']}:{c['evidence'][0]['start']}-"
                                             f"{c['evidence'][0]['end']}:{c['kind']}:")
    assert len({c["review"]["key"] for c in result.candidates}) == len(result.candidates)
    redeploy = next(c for c in result.candidates if c["subtype"] == "redeployment")
    assert redeploy["actors"] == ["saa"] and redeploy["place"] == "the eastern countryside of Dayr az-Zawr"
    assert "Qalamoun" in redeploy["notes"]  # where they came from, kept as a note
    struck = [c for c in result.candidates if c["kind"] == "strike"]
    assert [(c["subtype"], c["actors"]) for c in struck] == [("drone_attack", ["unknown"])]  # IRGC was the target


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["empty", "blank", "binary", "too_large", "no_place"])
def test_bad_input_is_refused_with_a_clear_message(ingester, tmp_path, kind):
    path = tmp_path / f"{kind}.txt"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_bytes(b"  \n\t\n")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 40)
    elif kind == "too_large":
        with open(path, "wb") as fh:
            fh.write(BADIA.read_bytes() * (10_000_000 // BADIA.stat().st_size + 1))
        assert path.stat().st_size > 10_000_000 > MAX_REPORT_BYTES
    else:
        shutil.copy(NO_PLACE, path)
    expected = {"empty": "empty", "blank": "empty", "binary": "binary", "too_large": "limit",
                "no_place": "names no place"}[kind]
    with pytest.raises(IngestError) as err:
        ingester.ingest_file(path)
    assert path.name in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("encoding, text, place", [
    ("cp1252", "Government forces shelled the outskirts of Hama’s Salamiyah on Friday, the café owners said. "
               "“It was the worst night,” one resident told reporters as reinforcements arrived from Homs.\n", "salamiyah"),
    ("cp1256", "قصفت طائرات حربية مواقع قرب مدينة البوكمال في ريف دير الزور الشرقي، وقال مصدر محلي إن الغارات "
               "استهدفت مستودعاً للأسلحة يوم الجمعة.\n", "bukamal"),
])
def test_another_encoding_is_detected_and_stored_as_utf8(ingester, tmp_path, encoding, text, place):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes((text * 3).encode(encoding))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    result = ingester.ingest_file(path, Source(published=THURSDAY))
    assert result.text == text * 3 and result.report["encoding"] == encoding
    assert result.report["sha256"] == hashlib.sha256(result.text.encode("utf-8")).hexdigest()
    assert any(m["id"] == place for m in result.mentions)


# --- the command -------------------------------------------------------------------------------
def _data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    shutil.copy(REPO / "data" / "actors.yaml", data / "actors.yaml")
    (data / "reports.yaml").write_text("# reports registered by the tests\n", encoding="utf-8")
    return data


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESERT_ATLAS_REPORTS": str(tmp_path / "reports"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("DESERT_ATLAS_DATA", None)
    return subprocess.run([sys.executable, "-m", "geo", "ingest", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=300)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_out_writes_json_and_leaves_the_data_folder_alone(tmp_path):
    data = _data_dir(tmp_path)
    before = _tree(data)
    out = tmp_path / "badia.json"
    proc = _run([str(BADIA), "--data-dir", str(data), "--published", "2019-03-14", "--source", "Desert Monitor",
                 "--url", "https://example.org/badia", "--out", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert set(payload) >= {"report", "mentions", "candidates"}
    assert payload["report"]["outlet"] == "Desert Monitor" and payload["report"]["published"] == "2019-03-14"
    assert payload["report"]["url"] == "https://example.org/badia"
    assert {c["kind"] for c in payload["candidates"]} == {"facility", "movement", "strike"}
    assert _tree(data) == before and not (tmp_path / "reports").exists()


def test_cli_folder_skips_the_bad_file_and_queues_the_others(tmp_path):
    data = _data_dir(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for src in (BADIA, GOLAN, NO_PLACE):
        shutil.copy(src, inbox / src.name)
    (inbox / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    proc = _run([str(inbox), "--data-dir", str(data), "--published", "2019-03-14"], tmp_path)
    assert proc.returncode == 1
    assert "broken.txt" in proc.stderr and "binary" in proc.stderr
    assert "no_place.txt" in proc.stderr and "names no place" in proc.stderr
    assert "2 of 4 file(s) could not be ingested" in proc.stderr

    from geo.store import DataFolder
    from geo.review import load_queue

    queue = load_queue(data)
    names = sorted(r["ingest"]["name"] for r in queue.reports)
    assert names == ["badia_ops_room.txt", "golan_front_statement.txt"]
    assert len(queue.pending()) >= 5
    stored = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert stored == sorted(f"{r['sha256']}.txt" for r in queue.reports)
    for r in queue.reports:
        assert (tmp_path / "reports" / r["file"]).read_bytes() == (inbox / r["ingest"]["name"]).read_bytes()
    assert DataFolder(data).event_files() == [] and (data / "reports.yaml").read_text().startswith("# reports registered")

    again = _run([str(inbox / BADIA.name), "--data-dir", str(data), "--published", "2019-03-14"], tmp_path)
    assert again.returncode == 0 and "queued 0 new candidate(s)" in again.stdout
    assert len(load_queue(data).candidates) == len(queue.candidates)


def test_the_dataset_never_loads_candidates(tmp_path, monkeypatch, real_gazetteer):
    from geo.store import load_dataset
    from geo.review import add_results

    data = _data_dir(tmp_path)
    monkeypatch.setenv("DESERT_ATLAS_REPORTS", str(tmp_path / "reports"))
    ing = Ingester(gazetteer=real_gazetteer, data_dir=data)
    added = add_results([ing.ingest_file(GOLAN, Source(published=THURSDAY))], data_dir=data)
    assert added.added >= 3 and (data / "review" / "queue.yaml").is_file()
    assert load_dataset(data, gazetteer=real_gazetteer, reports_dirs=[]).records == ()


# --- the seed reports (CI) -------------------------------------------------------------------------
SEED_IDS = ["r000", "r001", "r002", "r003", "r004"]


@pytest.fixture(scope="module")
def seed_truth(real_gazetteer):
    from benchmarks.ingest import seed_truth as truth

    return truth(real_gazetteer, REPO / "data")


@pytest.mark.seeds
@pytest.mark.parametrize("rid", SEED_IDS)
def test_seed_report_places_are_all_found_and_candidates_agree(seeds_dir, seed_truth, ingester, rid):
    from benchmarks.ingest import evaluate

    info = seed_truth[rid]
    result = ingester.ingest_text((seeds_dir / info["file"]).read_text(encoding="utf-8"), name=rid, report_id=rid)
    score = evaluate(result, info["records"])
    assert score["truth"] >= 3 and score["missed"] == [], score
    assert score["agreement"] >= 0.8, score


@pytest.mark.seeds
def test_seed_noise_is_not_turned_into_records(seeds_dir, ingester):
    files = sorted(seeds_dir.glob("*.txt"))
    form, doubled, comments = (ingester.ingest_file(files[i]) for i in (0, 1, 4))
    starts = [e["start"] for c in form.candidates for e in c["evidence"]]
    assert starts
    assert all(not (form.text.index("Read Also:") <= s < form.text.index("He said the room")) for s in starts)
    assert all(s < form.text.index("This article was translated") for s in starts)
    half = doubled.text.index("\"We have initiated", doubled.text.index("\"We have initiated") + 10)
    assert all(e["start"] < half for c in doubled.candidates for e in c["evidence"])
    assert comments.report["comments_start"] == comments.text.index("First, a ")
    assert all(e["start"] < comments.report["comments_start"] for c in comments.candidates for e in c["evidence"])
    assert layout(comments.text).unverified is False and form.report["unverified"] is True


# --- any text ------------------------------------------------------------------------------------
_WORDS = ["Palmyra", "Tadmur", "al-Bukamal", "Albu Kamal", "البوكمال", "Deir ez-Zor", "Homs'", "Hama’s", "countryside",
          "eastern", "between", "and", "near", "30 km from", "the", "IS", "is", "ISIS", "IRGC", "Russian jets",
          "struck", "operations room", "reinforcements", "sent from", "on Tuesday", "10 days ago", "June 1",
          "Most", "As", "Tal", "Comments", "Read Also:", "I", "!", "“", "”", ",", ".", "\n", "\n\n", "-", "’"]


@hyp_settings(max_examples=120, deadline=None, database=None)
@given(words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=60), glue=st.sampled_from([" ", "  ", "\t"]))
def test_any_mix_of_report_words_is_ingested_or_refused_cleanly(ingester, words, glue):
    text = glue.join(words)
    try:
        result = ingester.ingest_text(text, name="random.txt", source=Source(published=THURSDAY))
    except IngestError as exc:
        assert "random.txt" in str(exc)
        return
    for m in result.mentions:
        assert text[m["start"]:m["end"]] == m["text"]
    for c in result.candidates:
        assert c["place"] and c["actors"] and c["evidence"]
        for e in c["evidence"]:
            assert 0 <= e["start"] < e["end"] <= len(text)
            assert e["sha256"] == hashlib.sha256(text[e["start"]:e["end"]].encode("utf-8")).hexdigest()


def test_every_distinct_candidate_of_the_seeds_is_queued_and_a_rerun_names_each_one(tmp_path, seeds_dir):
    """Issue 11: on an empty queue the seeds' distinct candidates were queued 29 of 37 (the queue key
    was report + first span + kind, so two strikes of one sentence collided)."""
    data = _data_dir(tmp_path)
    out = tmp_path / "seeds.json"
    looked = _run([str(seeds_dir), "--data-dir", str(data), "--no-progress", "--out", str(out)], tmp_path)
    assert looked.returncode == 0, looked.stderr
    proposed = {c["id"] for r in json.loads(out.read_text(encoding="utf-8")) for c in r["candidates"]}
    first = _run([str(seeds_dir), "--data-dir", str(data), "--no-progress"], tmp_path)
    assert first.returncode == 0, first.stderr
    from geo.review import load_queue

    queued = {c["id"] for c in load_queue(data).candidates}
    assert queued == proposed and f"queued {len(proposed)} new candidate(s)" in first.stdout
    again = _run([str(seeds_dir), "--data-dir", str(data), "--no-progress"], tmp_path)
    named = [line for line in again.stdout.splitlines() if line.strip().startswith("already queued: cand-")]
    assert "queued 0 new candidate(s)" in again.stdout and len(named) == len(proposed)


def test_control_characters_from_file_names_never_reach_the_terminal(tmp_path):
    """A report named with ESC/BEL sequences is printed with them shown as \\xNN, not sent raw."""
    data = _data_dir(tmp_path)
    hostile = tmp_path / "inbox" / "bad\x1b[31mred\x07.txt"
    hostile.parent.mkdir()
    shutil.copy(BADIA, hostile)
    proc = _run([str(hostile.parent), "--data-dir", str(data), "--published", "2019-03-14", "--no-progress"],
                tmp_path)
    assert proc.returncode == 0, proc.stderr
    shown = proc.stdout + proc.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "bad\\x1b[31mred\\x07.txt" in shown
