"""Loading the event dataset: the frame's shape, honest geometry and precision, provenance."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from _geo_fakes import SYRIA_OUTLINE
from _geo_helpers import DATA, DELETE, REPORTS, copy_data, edit_record, read_events, write_yaml
from gazetteer import geodesy
from geo import settings
from geo.core.frame import FRAME_COLUMNS
from geo.store import DataFolder, load_dataset
from geo.core.evidence import span_sha256
from geo.outputs.symbology import display_geometries
from geo.errors import DatasetError
from geo.core.model import KIND_LAYERS, KINDS, date_prec_from_days

TODAY = date(2026, 1, 1)


@pytest.fixture
def fixture_ds(fake_gazetteer):
    return load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)


def row(ds, record_id):
    frame = ds.frame
    return frame.loc[frame["id"] == record_id].iloc[0]


def test_frame_has_exact_schema_one_row_per_record(fixture_ds):
    frame = fixture_ds.frame
    assert list(frame.columns) == [*FRAME_COLUMNS, "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(fixture_ds.records) == 11
    assert frame["id"].is_unique
    assert str(frame["date_start"].dtype) == "datetime64[ns]"
    assert str(frame["geo_precision"].dtype) == "Int64"
    assert frame["unverified"].dtype == bool
    assert set(frame["layer"]) <= set(KIND_LAYERS.values())
    assert (frame["layer"] == frame["kind"].map(KIND_LAYERS)).all()


def test_point_place_keeps_gazetteer_coordinates_and_precision(fixture_ds):
    r = row(fixture_ds, "fx-depot-bukamal")
    assert r.geometry.geom_type == "Point"
    assert (r.geometry.x, r.geometry.y) == pytest.approx((40.9167, 34.45))
    assert (r["longitude"], r["latitude"]) == pytest.approx((40.9167, 34.45))
    assert (r["geo_precision"], r["where_prec"], r["place_id"]) == (1, 1, "bukamal")


def test_relative_phrase_is_an_area_with_no_place_id_but_anchor_refs(fixture_ds, fake_gazetteer):
    r = row(fixture_ds, "fx-ops-room-between")
    assert r.geometry.geom_type == "Polygon"
    assert pd.isna(r["place_id"])
    assert r["place_refs"] == "humaira;hafar"
    assert r["where_prec"] == 5 and r["uncertainty_m"] == 8000.0
    assert ("between al-Humaira and al-Hafar", "eastern countryside of Homs") in fake_gazetteer.calls
    assert {"humaira", "hafar"} <= set(fixture_ds.places["id"])


def test_country_is_never_a_pin(fixture_ds):
    syria = row(fixture_ds, "fx-statement-syria")
    assert syria.geometry.geom_type == "Polygon" and syria["where_prec"] == 6
    # The fake gazetteer knows Iraq only as a point: it must still be drawn as an area.
    iraq = row(fixture_ds, "fx-country-point")
    assert iraq.geometry.geom_type == "Polygon"
    assert iraq.geometry.contains(shapely.Point(43.7, 33.0))
    assert iraq.geometry.area > 0.5  # at least a 50 km radius, in square degrees


def test_several_places_union_with_coarsest_precision(fixture_ds):
    r = row(fixture_ds, "fx-offensive-two-towns")
    assert r.geometry.geom_type == "MultiPoint"
    assert sorted((p.x, p.y) for p in r.geometry.geoms) == [(37.1, 34.2), (37.2, 34.25)]
    assert r["place_id"] == "humaira;hafar"


def test_route_is_a_line_origin_first_with_midpoint(fixture_ds):
    r = row(fixture_ds, "fx-transfer-route")
    assert r.geometry.geom_type == "LineString"
    assert list(r.geometry.coords) == [(40.9167, 34.45), (37.1, 34.2)]
    assert (r["longitude"], r["latitude"]) == pytest.approx(((40.9167 + 37.1) / 2, (34.45 + 34.2) / 2))


def test_geometry_override_and_explicit_uncertainty(fixture_ds):
    r = row(fixture_ds, "fx-override-point")
    assert (r.geometry.x, r.geometry.y) == (38.5, 34.5)
    assert (r["geo_precision"], r["where_prec"], r["uncertainty_m"]) == (1, 1, 2000.0)


def test_statement_without_place_is_kept_but_unmapped(fixture_ds):
    r = row(fixture_ds, "fx-statement-unmapped")
    assert r.geometry is None
    assert np.isnan(r["latitude"]) and pd.isna(r["geo_precision"])


def test_dates_precision_and_ucdp_date_prec(fixture_ds):
    week = row(fixture_ds, "fx-strike-tanf")
    assert (week["date_start"], week["date_end"]) == (pd.Timestamp("2021-07-10"), pd.Timestamp("2021-07-16"))
    assert (week["date_precision"], week["date_prec"]) == ("week", 3)
    month = row(fixture_ds, "fx-reinforce-desert")
    assert month["date_end"] == pd.Timestamp("2021-06-30")
    assert (month["date_precision"], month["date_prec"]) == ("month", 4)
    year = row(fixture_ds, "fx-statement-unmapped")
    assert (year["date_start"], year["date_end"]) == (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-31"))
    assert (year["date_precision"], year["date_prec"]) == ("year", 5)
    short = row(fixture_ds, "fx-transfer-route")  # 4 days
    assert short["date_prec"] == 2


@pytest.mark.parametrize(("days", "prec"), [(1, 1), (2, 2), (6, 2), (7, 3), (8, 4), (31, 4), (32, 5), (400, 5)])
def test_date_prec_rule(days, prec):
    assert date_prec_from_days(days) == prec
    assert date_prec_from_days(np.array([days, 1])).tolist() == [prec, 1]


def test_facility_lifecycle_defaults(fixture_ds):
    depot = row(fixture_ds, "fx-depot-bukamal")
    assert depot["first_reported"] == pd.Timestamp("2021-03-05")
    assert depot["last_reported"] == pd.Timestamp("2021-03-05")  # never before first_reported
    room = row(fixture_ds, "fx-ops-room-between")
    assert (room["first_reported"], room["last_reported"]) == (pd.Timestamp("2021-03-01"), pd.Timestamp("2021-04-01"))
    assert room["status"] == "closed"
    assert pd.isna(row(fixture_ds, "fx-strike-tanf")["status"])


def test_sources_joined_from_registry_and_unverified_flag(fixture_ds):
    depot = row(fixture_ds, "fx-depot-bukamal")
    assert depot["report_ids"] == ["fx001"]
    assert depot["source_outlet"] == "Fixture Wire" and depot["source_via"] == "Fixture Observer"
    assert depot["source_published"] == "2021-03-05"
    assert depot["unverified"]  # the caveat says the outlet "has not verified" it
    assert not row(fixture_ds, "fx-strike-tanf")["unverified"]


def test_evidence_columns(fixture_ds):
    depot = row(fixture_ds, "fx-depot-bukamal")
    spans = json.loads(depot["evidence"])
    assert spans == [{"report": "fx001", "start": 65, "end": 149,
                      "sha256": "0108b3eaa0b596c8ddb1db4cef569515f73efead3e1ce3cff4ea7a8d1e51765e"}]
    assert (depot["evidence_report"], depot["evidence_start"], depot["evidence_end"]) == ("fx001", 65, 149)
    assert json.loads(row(fixture_ds, "fx-reinforce-desert")["evidence"]) == []


def test_actor_columns(fixture_ds):
    r = row(fixture_ds, "fx-dangerous-cells")
    assert r["actors"] == ["hezbollah", "saa"]
    assert r["actors_str"] == "hezbollah;saa"
    assert r["actor_names"] == "Hezbollah; Syrian Arab Army"
    assert r["subtype"] == "mobilisation"  # US spelling normalised


def test_zones_and_places_layers(fixture_ds):
    assert list(fixture_ds.zones["id"]) == ["zone_55km"]
    assert fixture_ds.zones.geometry.iloc[0].geom_type == "Polygon"
    assert "zone_55km" not in set(fixture_ds.places["id"])
    assert {"bukamal", "tanf_garrison", "damascus", "homs_desert"} <= set(fixture_ds.places["id"])


def test_report_texts_are_optional(fake_gazetteer, tmp_path):
    ds = load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[tmp_path], today=TODAY)
    assert len(ds.records) == 11


def test_reports_dirs_setting_reads_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.REPORTS_ENV, f"{tmp_path}{__import__('os').pathsep}/nowhere")
    assert settings.reports_dirs() == [tmp_path, Path("/nowhere")]
    monkeypatch.delenv(settings.REPORTS_ENV)
    assert settings.reports_dirs()[0] == settings.DATA_DIR / "local" / "reports"


def test_fingerprint_changes_with_content(tmp_path):
    data = copy_data(tmp_path)
    before = DataFolder.at(data).fingerprint()
    assert DataFolder.at(data).fingerprint() == before
    edit_record(data, "fx-depot-bukamal", confidence=0.55)
    assert DataFolder.at(data).fingerprint() != before


def test_fixture_loads_with_real_gazetteer(real_gazetteer):
    ds = load_dataset(DATA, gazetteer=real_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    frame = ds.frame
    assert len(frame) == 11
    mapped = frame[frame.geometry.notna()]
    assert len(mapped) == 10
    countries = mapped[mapped["where_prec"] >= 6]
    assert len(countries) == 2 and set(countries.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert row(ds, "fx-transfer-route").geometry.geom_type == "LineString"


# --- the real seed dataset ------------------------------------------------------------------------


def test_seed_dataset_loads(real_gazetteer):
    ds = load_dataset(gazetteer=real_gazetteer, reports_dirs=[])
    frame = ds.frame
    assert len(frame) >= 20
    assert set(frame["kind"]) <= set(KINDS)
    assert frame["date_end"].ge(frame["date_start"]).all()
    assert frame["confidence"].between(0, 1).all()
    # honest precision: nothing at country level (where_prec >= 6) is a pin
    coarse = frame[frame["where_prec"].fillna(0).to_numpy() >= 6]
    assert not coarse.geometry.geom_type.isin(["Point", "MultiPoint"]).any()
    assert frame.geometry.notna().sum() >= len(frame) - 2


@pytest.mark.seeds
def test_seed_evidence_hashes_match_seed_reports(real_gazetteer, seeds_dir):
    ds = load_dataset(gazetteer=real_gazetteer, reports_dirs=[seeds_dir])  # would raise on a mismatch
    checked = 0
    for record in ds.records:
        for ev in record.evidence:
            report = ds.reports[ev.report]
            text = (seeds_dir / report.file).read_bytes().decode("utf-8")
            assert span_sha256(text, ev.start, ev.end) == ev.sha256, (record.id, ev)
            checked += 1
    assert checked >= len(ds.records)


def test_seeds_helper_fails_under_ci_and_skips_otherwise(monkeypatch, tmp_path):
    import _requires

    monkeypatch.setattr(_requires, "SHARED_SEEDS", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        _requires.require_seeds()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _requires.require_seeds()


def test_place_id_wins_over_place_and_explicit_precision_overrides(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", place_id="tanf_garrison", geo_precision=2, where_prec=2)
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    r = row(ds, "fx-depot-bukamal")
    assert r["place_id"] == "tanf_garrison" and r["place_query"] == "tanf_garrison"
    assert (r.geometry.x, r.geometry.y) == (38.6333, 33.5014)
    assert (r["geo_precision"], r["where_prec"]) == (2, 2)


def test_point_override_in_a_region_takes_its_precision_and_is_drawn_as_its_circle(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-reinforce-desert", geometry={"type": "Point", "coordinates": [38.0, 34.5]})
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    r = row(ds, "fx-reinforce-desert")
    assert (r["geo_precision"], r["where_prec"], r["uncertainty_m"], r["place_id"]) == (3, 4, 60000.0, "homs_desert")
    # the Homs desert is known only as a region: the point becomes a 60 km circle around it, never a pin
    assert r.geometry.geom_type == "Polygon"
    assert (r["longitude"], r["latitude"]) == (38.0, 34.5)
    ring = shapely.get_coordinates(r.geometry.exterior)
    assert [geodesy.distance_m(38.0, 34.5, x, y) for x, y in ring] == pytest.approx([60_000.0] * len(ring), rel=1e-6)


def test_point_override_with_region_codes_becomes_the_circle_of_its_uncertainty(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", geometry={"type": "Point", "coordinates": [40.95, 34.46]},
                place=DELETE, geo_precision=3, where_prec=5, uncertainty_m=30_000)
    edit_record(data, "fx-override-point", where_prec=6)  # "somewhere in Syria", given as a point
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    depot = row(ds, "fx-depot-bukamal")
    assert depot.geometry.geom_type == "Polygon"
    assert geodesy.equivalent_radius_m(depot.geometry) == pytest.approx(30_000, rel=0.001)
    assert depot.geometry.contains(shapely.Point(40.95, 34.46))
    country = row(ds, "fx-override-point")
    assert country.geometry.equals(SYRIA_OUTLINE)  # the country-level area, not a 2 km circle
    assert country["uncertainty_m"] >= geodesy.equivalent_radius_m(SYRIA_OUTLINE) - 1
    _, pin = display_geometries(ds.frame.set_index("id").loc[["fx-depot-bukamal", "fx-override-point"]])
    assert pin.tolist() == [False, False]


def test_route_is_as_vague_as_its_places(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)  # the route's towns are exact, the place it serves is a corridor (2/5, 8 km)
    edit_record(data, "fx-transfer-route", place="between al-Humaira and al-Hafar")
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    r = row(ds, "fx-transfer-route")
    assert r.geometry.geom_type == "LineString"
    assert (r["geo_precision"], r["where_prec"], r["uncertainty_m"]) == (2, 5, 8000.0)


def test_seed_route_publishes_the_precision_of_its_vaguest_place(real_gazetteer):
    ds = load_dataset(gazetteer=real_gazetteer, reports_dirs=[])
    r = row(ds, "r000-equipment-iraq-bukamal-to-ops-room")
    place = real_gazetteer.resolve("between al-Humaira and al-Hafar")
    assert r["geo_precision"] >= place.geo_precision and r["where_prec"] >= place.where_prec
    assert r["uncertainty_m"] >= place.uncertainty_m > 2_000


def test_each_place_text_is_resolved_once_per_gazetteer(fake_gazetteer, tmp_path):
    """Reloading the data (the dashboard after an accept, review validation) reuses the answers."""
    first = load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    asked = list(fake_gazetteer.calls)
    assert asked and len(asked) == len(set(asked))  # no (query, context) asked twice in one load
    again = load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert fake_gazetteer.calls == asked  # the second load asked the gazetteer nothing
    assert again.frame.geometry.equals(first.frame.geometry)
    data = copy_data(tmp_path)
    edit_record(data, "fx-strike-tanf", place="Abu Kamal")  # a changed place text is resolved anew
    load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert fake_gazetteer.calls[len(asked):] == [("Abu Kamal", None)]


def test_unchanged_event_files_are_not_validated_again(fake_gazetteer, tmp_path, monkeypatch):
    """With a versioned gazetteer, a reload reuses each unchanged file's validated records."""
    from geo.store import loading

    data = copy_data(tmp_path)
    extra = dict(read_events(data)[0], id="fx-extra-copy")  # a second event file
    write_yaml(data / "events" / "zz-extra.yaml", [extra])
    fake_gazetteer.version = "fake-1"
    parsed: list[str] = []
    real_parse = loading.parse_record
    monkeypatch.setattr(loading, "parse_record",
                        lambda raw, *a, **k: (parsed.append(raw.get("id")), real_parse(raw, *a, **k))[1])
    first = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert sorted(parsed) == sorted(r.id for r in first.records)
    kept = sorted((data / "local" / "cache" / "records").glob("*.pickle"))
    assert len(kept) == len(DataFolder(data).event_files())
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in kept)

    parsed.clear()
    again = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert parsed == []  # nothing parsed or resolved again
    assert again.frame.drop(columns="geometry").equals(first.frame.drop(columns="geometry"))
    same = again.frame.geometry.geom_equals_exact(first.frame.geometry, 1e-12)
    assert (same | (again.frame.geometry.isna() & first.frame.geometry.isna())).all()

    edit_record(data, "fx-strike-tanf", title="Drone attack at al-Tanf (edited)")
    same_file = {r.id for r in first.records} - {"fx-extra-copy"}
    third = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert set(parsed) == same_file  # only the edited file was validated again
    assert third.frame.set_index("id").loc["fx-strike-tanf", "title"] == "Drone attack at al-Tanf (edited)"
    assert len(list((data / "local" / "cache" / "records").glob("*.pickle"))) == len(kept)  # the old entry pruned

    fake_gazetteer.version = "fake-2"  # another gazetteer: every file is placed again
    parsed.clear()
    load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert sorted(parsed) == sorted(r.id for r in first.records)


def test_a_file_with_problems_is_never_cached(fake_gazetteer, tmp_path):
    data = copy_data(tmp_path)
    fake_gazetteer.version = "fake-1"
    edit_record(data, "fx-strike-tanf", kind="parade")
    for _ in range(2):  # the problem is listed on every load, not only the first
        with pytest.raises(DatasetError, match="fx-strike-tanf: kind"):
            load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    assert not list((data / "local" / "cache" / "records").glob("*.pickle"))
