"""Every bad input fails with one DatasetError whose lines name file, record and field."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from _geo_helpers import DELETE, REPORTS, copy_data, edit_record, read_events, write_yaml
from geo.store import load_dataset
from geo.errors import DatasetError, Problem

TODAY = date(2026, 1, 1)
FILE = "data/events/fixture.yaml"


def problems_of(data: Path, gazetteer, reports_dirs=(REPORTS,)) -> list[Problem]:
    with pytest.raises(DatasetError) as info:
        load_dataset(data, gazetteer=gazetteer, reports_dirs=list(reports_dirs), today=TODAY)
    err = info.value
    lines = str(err).splitlines()
    assert len(lines) == len(err.problems) + 1  # a heading, then one line per problem
    assert lines[1:] == [str(p) for p in err.problems]
    return list(err.problems)


def only(problems: list[Problem], file: str, record: str, field: str) -> Problem:
    matching = [p for p in problems if (p.file, p.record, p.field) == (file, record, field)]
    assert len(matching) == 1, problems
    return matching[0]


@pytest.mark.parametrize(
    ("record", "changes", "field", "needle"),
    [
        ("fx-depot-bukamal", {"actors": ["irgc", "irgcc"]}, "actors", "unknown actor 'irgcc' (did you mean 'irgc'?)"),
        ("fx-depot-bukamal", {"date_start": "2021-02-30"}, "date_start", "impossible date '2021-02-30'"),
        ("fx-depot-bukamal", {"date_start": "last spring"}, "date_start", "not a date"),
        ("fx-ops-room-between", {"date_end": "2021-02-01"}, "date_end", "2021-02-01 is before date_start 2021-03-01"),
        ("fx-depot-bukamal", {"date_start": "2030-01-01"}, "date_start", "in the future"),
        ("fx-ops-room-between", {"last_reported": "2021-01-01", "first_reported": "2021-02-01"},
         "last_reported", "before first_reported"),
        ("fx-depot-bukamal", {"confidence": 1.5}, "confidence", "out of range [0, 1]"),
        ("fx-depot-bukamal", {"confidence": "high"}, "confidence", "expected a number"),
        ("fx-depot-bukamal", {"confidence": DELETE}, "confidence", "is required"),
        ("fx-depot-bukamal", {"kind": "facilty"}, "kind", "unknown kind 'facilty'"),
        ("fx-depot-bukamal", {"status": "destroyed"}, "status", "unknown status 'destroyed'"),
        ("fx-depot-bukamal", {"subtype": "Ops Room"}, "subtype", "not a snake_case word"),
        ("fx-depot-bukamal", {"date_precision": "fortnight"}, "date_precision", "unknown precision"),
        ("fx-depot-bukamal", {"title": ""}, "title", "is required"),
        ("fx-depot-bukamal", {"actors": []}, "actors", "needs at least one actor"),
        ("fx-depot-bukamal", {"sources": [{"report": "fx999"}]}, "sources[1].report", "unknown report id 'fx999'"),
        ("fx-depot-bukamal", {"sources": []}, "sources", "needs at least one source"),
        ("fx-depot-bukamal", {"place": "Atlantis"}, "place", "unknown place 'Atlantis'"),
        ("fx-depot-bukamal", {"place_id": "nowhere"}, "place_id", "unknown place 'nowhere'"),
        ("fx-depot-bukamal", {"place_id": "al-Bukamal"}, "place_id",
         "unknown place id 'al-Bukamal' (the gazetteer matched bukamal)"),
        ("fx-depot-bukamal", {"place": DELETE}, "place", "no location"),
        ("fx-depot-bukamal", {"route": ["bukamal", "humaira"]}, "route", "only movements have a route"),
        ("fx-transfer-route", {"route": ["bukamal"]}, "route", "at least two places"),
        ("fx-depot-bukamal", {"geo_precision": 4}, "geo_precision", "out of range 1-3"),
        ("fx-depot-bukamal", {"where_prec": 0}, "where_prec", "out of range 1-7"),
        ("fx-depot-bukamal", {"plcae": "x"}, "plcae", "unknown field (did you mean 'place'?)"),
        ("fx-depot-bukamal", {"id": "Bad_ID"}, "id", "invalid id 'Bad_ID'"),
        ("fx-override-point", {"geometry": {"type": "Point", "coordinates": [34.5, 38.5]}},
         "geometry", "looks swapped"),
        ("fx-override-point", {"geometry": {"type": "Point", "coordinates": [181.0, 34.5]}},
         "geometry", "coordinates out of range"),
        ("fx-override-point", {"geometry": {"type": "Point", "coordinates": [33.5, 95.0]}},
         "geometry", "coordinates out of range"),
        ("fx-override-point", {"geometry": {"type": "Pointy", "coordinates": [38.5, 34.5]}},
         "geometry", "not a valid GeoJSON geometry"),
        ("fx-override-point", {"geometry": "POINT (38 34)"}, "geometry", "not a valid GeoJSON geometry"),
        # a point that claims to be a region would be a pin
        ("fx-depot-bukamal", {"geometry": {"type": "Point", "coordinates": [40.95, 34.46]},
                              "geo_precision": 3, "where_prec": 5},
         "geometry", "geo_precision 3 / where_prec 5 (not an exact place) would be drawn as a pin: "
                     "give uncertainty_m above 2,000 m"),
        # codes and radius finer than the footprint
        ("fx-reinforce-desert", {"geo_precision": 1}, "geo_precision", "1 is finer than the location supports (3)"),
        ("fx-reinforce-desert", {"where_prec": 2}, "where_prec", "2 is finer than the location supports (4)"),
        ("fx-override-point", {"uncertainty_m": 9000, "geo_precision": 1}, "geo_precision",
         "1 is finer than the location supports (2)"),
        ("fx-override-point", {"geometry": {"type": "Polygon", "coordinates": [[[38, 34], [39, 34], [39, 35],
                                                                               [38, 34]]]}},
         "uncertainty_m", "2000 m is below the footprint's own radius"),
        # a date shown more precisely than its range
        ("fx-depot-bukamal", {"date_start": "2020-02-01", "date_end": "2020-02-28", "date_precision": "day",
                              "first_reported": DELETE},
         "date_precision", "'day' is finer than the range 2020-02-01 to 2020-02-28 (28 days) supports: use 'month'"),
        ("fx-strike-tanf", {"date_end": "2021-07-20"}, "date_precision", "'week' is finer than the range"),
        ("fx-reinforce-desert", {"date_precision": "week"}, "date_precision", "(30 days) supports: use 'month'"),
    ],
)
def test_bad_record_field(tmp_path, fake_gazetteer, record, changes, field, needle):
    data = copy_data(tmp_path)
    edit_record(data, record, **changes)
    label = changes["id"] if "id" in changes else record
    problem = only(problems_of(data, fake_gazetteer), FILE, label, field)
    assert needle in problem.message


def test_out_of_range_and_swapped_coordinates_say_both(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-override-point", geometry={"type": "Point", "coordinates": [34.5, 190.0]})
    message = only(problems_of(data, fake_gazetteer), FILE, "fx-override-point", "geometry").message
    assert "out of range" in message


def test_codes_finer_than_a_governorate_are_rejected(tmp_path, real_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-reinforce-desert", place="Homs governorate", geo_precision=1, where_prec=1,
                uncertainty_m=0)
    problems = problems_of(data, real_gazetteer)
    assert "finer than the location supports (3)" in only(problems, FILE, "fx-reinforce-desert",
                                                          "geo_precision").message
    assert "finer than the location supports (4)" in only(problems, FILE, "fx-reinforce-desert",
                                                          "where_prec").message
    assert "below the footprint's own radius" in only(problems, FILE, "fx-reinforce-desert",
                                                      "uncertainty_m").message


def test_coarser_codes_and_dates_than_supported_are_allowed(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)  # being more cautious than the footprint or the range is fine
    edit_record(data, "fx-depot-bukamal", geo_precision=2, where_prec=3, uncertainty_m=10_000,
                date_precision="month")
    edit_record(data, "fx-override-point", geo_precision=2, where_prec=2, uncertainty_m=5_000)
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    by_id = {r.id: r for r in ds.records}
    depot = by_id["fx-depot-bukamal"]
    assert (depot.geo_precision, depot.where_prec, depot.date_precision) == (2, 3, "month")
    assert depot.geometry.geom_type == "Polygon"  # a point known within 10 km is a circle, not a pin
    assert by_id["fx-override-point"].geometry.geom_type == "Polygon"


def test_point_outside_syria_that_is_not_swapped_is_accepted(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)  # Baghdad: outside Syria, and its swap is not inside either
    edit_record(data, "fx-override-point", geometry={"type": "Point", "coordinates": [44.36, 33.31]})
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert len(ds.records) == 11


def test_swapped_check_uses_the_gazetteer_country_outline(tmp_path, real_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-override-point", geometry={"type": "Point", "coordinates": [34.5, 38.5]})
    problem = only(problems_of(data, real_gazetteer), FILE, "fx-override-point", "geometry")
    assert "[34.5, 38.5] lies outside Syria but [38.5, 34.5] inside" in problem.message


def test_unknown_place_lists_gazetteer_suggestions(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", place="al-Bukamalll")
    message = only(problems_of(data, fake_gazetteer), FILE, "fx-depot-bukamal", "place").message
    assert "did you mean: al-Bukamal [bukamal]" in message


def test_unknown_route_place_is_reported_on_route(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-transfer-route", route=["bukamal", "Narnia"])
    assert "unknown place 'Narnia'" in only(problems_of(data, fake_gazetteer), FILE, "fx-transfer-route",
                                            "route").message


def test_duplicate_id_across_files(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    first = read_events(data)[0]
    write_yaml(data / "events" / "zz-more.yaml", [first])
    problem = only(problems_of(data, fake_gazetteer), "data/events/zz-more.yaml", first["id"], "id")
    assert problem.message == f"duplicate id (first used in {FILE})"


def test_broken_yaml_names_file_and_line(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    (data / "events" / "broken.yaml").write_text("- id: a\n  kind: [facility\n", encoding="utf-8")
    problem = only(problems_of(data, fake_gazetteer), "data/events/broken.yaml", "-", "yaml")
    assert problem.message.startswith("broken YAML") and "line 3" in problem.message


def test_duplicate_yaml_key_is_a_problem(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    (data / "events" / "dup.yaml").write_text("- id: a\n  id: b\n", encoding="utf-8")
    problem = only(problems_of(data, fake_gazetteer), "data/events/dup.yaml", "-", "yaml")
    assert "duplicate key 'id'" in problem.message


def test_yaml_that_is_not_a_list(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    (data / "events" / "map.yaml").write_text("id: a\n", encoding="utf-8")
    assert "expected a list" in only(problems_of(data, fake_gazetteer), "data/events/map.yaml", "-", "yaml").message


def test_evidence_hash_mismatch_with_report_text(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", evidence=[{"report": "fx001", "start": 66, "end": 149,
                                                     "sha256": "0108b3eaa0b596c8ddb1db4cef569515f73efead3e1ce3cff4ea7a8d1e51765e"}])
    problem = only(problems_of(data, fake_gazetteer), FILE, "fx-depot-bukamal", "evidence[1].sha256")
    assert "does not match report fx001 characters 66-149" in problem.message


def test_evidence_is_not_hash_checked_without_report_text(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", evidence=[{"report": "fx001", "start": 66, "end": 149, "sha256": "0" * 64}])
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[tmp_path / "none"], today=TODAY)
    assert ds.records[0].evidence[0].start == 66


@pytest.mark.parametrize(
    ("evidence", "field", "needle"),
    [
        ({"report": "fx001", "start": 10, "end": 5000, "sha256": "0" * 64}, "evidence[1].end", "past the end"),
        ({"report": "fx001", "start": 20, "end": 10, "sha256": "0" * 64}, "evidence[1].end", "not after start"),
        ({"report": "fx001", "start": -1, "end": 10, "sha256": "0" * 64}, "evidence[1].start", "offset >= 0"),
        ({"report": "fx001", "start": 1, "end": 10, "sha256": "abc"}, "evidence[1].sha256", "not a SHA-256"),
        ({"report": "fx003", "start": 1, "end": 10, "sha256": "0" * 64}, "evidence[1].report", "not among"),
        ({"report": "nope", "start": 1, "end": 10, "sha256": "0" * 64}, "evidence[1].report", "unknown report id"),
    ],
)
def test_bad_evidence(tmp_path, fake_gazetteer, evidence, field, needle):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", evidence=[evidence])
    assert needle in only(problems_of(data, fake_gazetteer), FILE, "fx-depot-bukamal", field).message


def test_report_file_hash_mismatch(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "fx001.txt").write_text("a different text\n", encoding="utf-8")
    problems = problems_of(data, fake_gazetteer, reports_dirs=[texts])
    assert "does not match the report text" in only(problems, "data/reports.yaml", "fx001", "sha256").message


def test_registry_problems(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    write_yaml(data / "actors.yaml", [
        {"id": "irgc", "name": "IRGC"}, {"id": "irgc", "name": "again"}, {"id": "hezbollah"},
        {"id": "russia", "name": "Russia", "color": "red"}, {"id": "saa", "name": "SAA", "colour": "#fff"},
    ])
    problems = problems_of(data, fake_gazetteer)
    assert only(problems, "data/actors.yaml", "irgc", "id").message == "duplicate id"
    assert only(problems, "data/actors.yaml", "hezbollah", "name").message == "is required"
    assert "not a #RRGGBB" in only(problems, "data/actors.yaml", "russia", "color").message
    assert "did you mean 'color'" in only(problems, "data/actors.yaml", "saa", "colour").message


def test_report_registry_field_problems(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    write_yaml(data / "reports.yaml", [
        {"id": "fx001", "file": "../etc/passwd", "url": "ftp://x", "published": "2021-13-01"},
        {"id": "fx002"}, {"id": "fx003", "sha256": "xyz"},
    ])
    problems = problems_of(data, fake_gazetteer)
    assert "not a path" in only(problems, "data/reports.yaml", "fx001", "file").message
    assert "not an http(s) URL" in only(problems, "data/reports.yaml", "fx001", "url").message
    assert "impossible date" in only(problems, "data/reports.yaml", "fx001", "published").message
    assert "not a SHA-256" in only(problems, "data/reports.yaml", "fx003", "sha256").message


def test_every_problem_is_gathered_in_one_error(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", actors=["ghost"], confidence=2)
    edit_record(data, "fx-strike-tanf", kind="raid", date_start="2021-02-30")
    (data / "events" / "broken.yaml").write_text(": : :\n- [", encoding="utf-8")
    problems = problems_of(data, fake_gazetteer)
    keys = {(p.record, p.field) for p in problems}
    assert {("fx-depot-bukamal", "actors"), ("fx-depot-bukamal", "confidence"),
            ("fx-strike-tanf", "kind"), ("fx-strike-tanf", "date_start"), ("-", "yaml")} <= keys
    assert len(problems) == 5


def test_missing_registry_files(tmp_path, fake_gazetteer):
    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    problems = problems_of(data, fake_gazetteer)
    assert {(p.file, p.field, p.message) for p in problems} == {
        ("data/actors.yaml", "file", "file not found"), ("data/reports.yaml", "file", "file not found")}


def test_gazetteer_failure_is_a_problem_not_a_crash(tmp_path, fake_gazetteer, monkeypatch):
    data = copy_data(tmp_path)

    def explode(query, context=None):
        raise RuntimeError("index corrupt")

    monkeypatch.setattr(fake_gazetteer, "resolve", explode)
    problems = problems_of(data, fake_gazetteer)
    assert any("gazetteer failed on this record: RuntimeError: index corrupt" in p.message for p in problems)

