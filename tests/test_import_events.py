"""``python -m geo import-events``: ACLED and UCDP GED exports in, honest records out.

The fixture files are written here, in each format's documented columns, with invented rows.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import shapely
import yaml

from gazetteer import geodesy
from geo import settings
from geo.datasets import EventImportError, import_events
from geo.datasets.mapping import ACLED_GEO_PRECISION, GED_WHERE_PREC
from geo.errors import DatasetError
from geo.outputs.symbology import display_geometries
from geo.store import DataFolder, load_dataset

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2025, 6, 1)

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "country",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities",
]
GED_COLUMNS = [
    "id", "year", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "source_article",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country", "date_prec",
    "date_start", "date_end", "best", "low", "high",
]


def acled_row(event: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "event_id_cnty": event, "event_date": "2019-05-10", "year": 2019, "time_precision": 1,
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike", "actor1": "Military Forces of Russia (2000-)", "assoc_actor_1": "",
        "inter1": 8, "actor2": "Civilians (Syria)", "assoc_actor_2": "", "inter2": 7, "interaction": 78,
        "country": "Syria", "admin1": "Idleb", "admin2": "Ariha", "admin3": "Ariha", "location": "Ariha",
        "latitude": 35.8133, "longitude": 36.6089, "geo_precision": 1, "source": "Invented Wire",
        "source_scale": "National", "notes": "Invented fixture note.", "fatalities": 2,
    }
    row.update(values)
    return row


def ged_row(event: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": event, "year": 2019, "type_of_violence": 1, "conflict_name": "Syria: Government",
        "dyad_name": "Government of Syria - Syrian insurgents", "side_a": "Government of Syria",
        "side_b": "Syrian insurgents", "source_article": "Invented Agency 2019-05-11", "where_prec": 1,
        "where_coordinates": "Ariha town", "adm_1": "Idlib governorate", "adm_2": "Ariha district",
        "latitude": 35.8133, "longitude": 36.6089, "country": "Syria", "date_prec": 1,
        "date_start": "2019-05-10", "date_end": "2019-05-10", "best": 4, "low": 3, "high": 6,
    }
    row.update(values)
    return row


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A copy of the repository's curated data folder (seed records, registries, event-type table)."""
    target = tmp_path / "data"
    (target / "events").mkdir(parents=True)
    for name in ("actors.yaml", "reports.yaml", "event_types.yaml", "events/seed.yaml"):
        shutil.copy(REPO / "data" / name, target / name)
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "no-texts"))
    return target


def run(path: Path, fmt: str, data: Path, gazetteer, **kw):
    return import_events(path, fmt, data_dir=data, progress=False, today=TODAY, gazetteer=gazetteer, **kw)


def load(data: Path, gazetteer):
    return load_dataset(data, gazetteer=gazetteer, today=TODAY)


def imported(dataset, prefix: str):
    frame = dataset.frame
    return frame[frame["id"].str.startswith(prefix + "-")].set_index("id", drop=False)


# --- ACLED ---------------------------------------------------------------------------------------

def test_acled_rows_become_records(tmp_path, data, real_gazetteer):
    path = write_csv(tmp_path / "acled.csv", [*ACLED_COLUMNS, "our_own_column"], [
        acled_row("SYR101", our_own_column="x"),
        acled_row("SYR102", event_date="14 May 2019", time_precision=2, geo_precision=2, event_type="Battles",
                  sub_event_type="Armed clash", actor1="HTS: Hayat Tahrir al Sham",
                  actor2="Military Forces of Syria (2000-2024)", assoc_actor_2="NDF; Hezbollah", fatalities=""),
        acled_row("SYR103", event_date="2019-05-20", time_precision=3, geo_precision=3,
                  event_type="Strategic developments", sub_event_type="Headquarters or base established",
                  actor1="Military Forces of Iran (1979-)", actor2="", fatalities=0),
        acled_row("SYR104", event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Syria)"),
    ])
    summary = run(path, "acled", data, real_gazetteer, source_name="ACLED Syria 2019")
    assert summary.written and summary.imported == 3 and summary.rows == 4
    assert summary.left_out == {"Protests": 1}
    assert summary.unknown_columns == ("our_own_column",)
    assert summary.unknown_actors == {"Civilians (Syria)": 1, "NDF": 1}
    assert summary.event_file == DataFolder(data).events_dir / "imported-acled-acled-syria-2019.yaml"

    frame = imported(load(data, real_gazetteer), "acled")
    assert list(frame.index) == ["acled-syr101", "acled-syr102", "acled-syr103"]
    strike, clash, base = (frame.loc[i] for i in frame.index)
    assert (strike.kind, strike.subtype) == ("strike", "air_or_drone_strike")
    assert (clash.kind, clash.subtype) == ("operation", "armed_clash")
    assert (base.kind, base.subtype) == ("facility", "base")
    assert (strike.longitude, strike.latitude) == pytest.approx((36.6089, 35.8133))
    # time_precision 1: the day; 2: the week centred on event_date; 3: the calendar month.
    assert (str(strike.date_start.date()), str(strike.date_end.date()), strike.date_precision) == \
        ("2019-05-10", "2019-05-10", "day")
    assert (str(clash.date_start.date()), str(clash.date_end.date()), clash.date_precision) == \
        ("2019-05-11", "2019-05-17", "week")
    assert (str(base.date_start.date()), str(base.date_end.date()), base.date_precision) == \
        ("2019-05-01", "2019-05-31", "month")
    assert strike.actors == ["russia"] and clash.actors == ["nusra", "saa", "hezbollah"] and base.actors == ["iran"]
    assert "Not in the actor registry: Civilians (Syria)" in strike.notes
    assert "NDF" in clash.notes
    assert (strike.fatalities, base.fatalities) == (2, 0) and pd.isna(clash.fatalities)
    assert strike.source_event == "SYR101" and strike.source_outlet == "ACLED"
    assert "terms of use" in strike.source_caveat and strike.evidence == "[]"


def test_a_record_without_actors_in_the_registry_keeps_their_names(tmp_path, data, real_gazetteer):
    path = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [
        acled_row("SYR1", actor1="Syrian Democratic Forces", actor2="Civilians (Syria)")])
    summary = run(path, "acled", data, real_gazetteer)
    assert summary.unknown_actors == {"Syrian Democratic Forces": 1, "Civilians (Syria)": 1}
    record = imported(load(data, real_gazetteer), "acled").iloc[0]
    assert record.actors == ["unknown"]
    assert "Not in the actor registry: Syrian Democratic Forces; Civilians (Syria)." in record.notes


# --- precision: never a false pin ----------------------------------------------------------------

def test_precision_mapping_table(tmp_path, data, real_gazetteer):
    """ACLED geo_precision 2/3 and GED where_prec >= 2 are footprints of growing size, never pins."""
    write_csv(tmp_path / "a.csv", ACLED_COLUMNS,
              [acled_row(f"SYR{p}", geo_precision=p, latitude=34.73, longitude=36.71) for p in (1, 2, 3)])
    write_csv(tmp_path / "g.csv", GED_COLUMNS,
              [ged_row(900 + p, where_prec=p, latitude=34.73, longitude=36.71) for p in range(1, 8)])
    run(tmp_path / "a.csv", "acled", data, real_gazetteer)
    run(tmp_path / "g.csv", "ged", data, real_gazetteer)
    dataset = load(data, real_gazetteer)

    def drawn(prefix):
        frame = imported(dataset, prefix)
        geoms, pins = display_geometries(frame)
        radii = [geodesy.equivalent_radius_m(g) if not pin else 0.0 for g, pin in zip(geoms, pins)]
        return frame, list(pins), radii

    frame, pins, radii = drawn("acled")
    assert pins == [True, False, False]
    assert frame["geo_precision"].tolist() == [1, 2, 3]
    assert radii[1] == pytest.approx(ACLED_GEO_PRECISION[2].radius_m, rel=0.05)
    assert radii[2] == pytest.approx(ACLED_GEO_PRECISION[3].radius_m, rel=0.05)

    frame, pins, radii = drawn("ged")
    assert pins == [True] + [False] * 6
    assert frame["where_prec"].tolist() == list(range(1, 8))
    for code in (2, 3, 4, 5):
        assert radii[code - 1] == pytest.approx(GED_WHERE_PREC[code].radius_m, rel=0.05)
    assert radii[1] < radii[2] < radii[3] < radii[4] < radii[5]
    country = imported(dataset, "ged").geometry.iloc[5]
    assert country.geom_type in ("Polygon", "MultiPolygon") and not country.contains(shapely.Point(0, 0))
    assert radii[5] == pytest.approx(radii[6])  # 6 and 7: both the country, never a point


# --- GED -----------------------------------------------------------------------------------------

def test_ged_rows_become_records(tmp_path, data, real_gazetteer):
    path = write_csv(tmp_path / "ged.csv", GED_COLUMNS, [
        ged_row(1),
        ged_row(2, type_of_violence=2, side_a="IS", side_b="SDF", where_prec=4, date_prec=4,
                date_start="2019-03-01 00:00:00.000", date_end="2019-03-31 00:00:00.000", best=""),
        ged_row(3, type_of_violence=3, side_b="Civilians", date_prec=5, date_start="2019-01-02",
                date_end="2019-01-03"),
    ])
    summary = run(path, "ged", data, real_gazetteer)
    assert summary.imported == 3 and summary.unknown_actors == {"Civilians": 1, "SDF": 1}
    frame = imported(load(data, real_gazetteer), "ged")
    one, two, three = (frame.loc[f"ged-{i}"] for i in (1, 2, 3))
    assert [r.subtype for r in (one, two, three)] == ["state_based_violence", "non_state_violence",
                                                      "one_sided_violence"]
    assert one.actors == ["saa", "rebels"] and two.actors == ["isis"]
    assert (str(two.date_start.date()), str(two.date_end.date()), two.date_precision) == \
        ("2019-03-01", "2019-03-31", "month")
    # A two-day range with date_prec 5: the precision says "year", never finer than GED does.
    assert (str(three.date_start.date()), str(three.date_end.date()), three.date_precision) == \
        ("2019-01-02", "2019-01-03", "year")
    assert one.fatalities == 4 and pd.isna(two.fatalities)
    assert one.source_event == "1" and one.source_outlet == "UCDP GED" and "CC BY 4.0" in one.source_caveat


# --- bad input -----------------------------------------------------------------------------------

def test_missing_required_column_is_refused_naming_it(tmp_path, data, real_gazetteer):
    before = DataFolder(data).fingerprint()
    columns = [c for c in ACLED_COLUMNS if c != "geo_precision"]
    path = write_csv(tmp_path / "a.csv", columns, [acled_row("SYR1")])
    with pytest.raises(EventImportError, match="required column 'geo_precision' is missing"):
        run(path, "acled", data, real_gazetteer)
    assert DataFolder(data).fingerprint() == before


def test_bad_rows_are_listed_by_number_and_nothing_is_written(tmp_path, data, real_gazetteer):
    before = DataFolder(data).fingerprint()
    path = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [
        acled_row("SYR1"),
        acled_row("SYR2", event_date="2019-02-30"),
        acled_row("SYR3", latitude="north"),
        acled_row("SYR4", latitude=48.85, longitude=2.35),  # Paris
        acled_row("SYR5", latitude=36.6089, longitude=35.8133),  # swapped
        acled_row("SYR6", geo_precision=4),
        acled_row("SYR1"),
        acled_row("SYR8", event_date="2030-01-01"),
    ])
    with pytest.raises(EventImportError) as err:
        run(path, "acled", data, real_gazetteer)
    message = str(err.value)
    assert "7 bad row(s); nothing imported" in message
    for expected in (
        "row 2: event_date: not a date: '2019-02-30'",
        "row 3: latitude: not a number: 'north'",
        "row 4: latitude/longitude: lies outside Syria",
        "row 5: latitude/longitude: lies outside Syria but inside it with latitude and longitude swapped",
        "row 6: geo_precision: expected one of 1, 2, 3, found '4'",
        "row 7: event id: repeats the event of row 1",
        "row 8: date: is in the future",
    ):
        assert f"{path}: {expected}" in message
    assert DataFolder(data).fingerprint() == before

    summary = run(path, "acled", data, real_gazetteer, skip_bad_rows=True)
    assert summary.imported == 1 and summary.bad_row_numbers() == [2, 3, 4, 5, 6, 7, 8]


def test_reimport_replaces_and_other_names_cannot_duplicate(tmp_path, data, real_gazetteer):
    path = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row("SYR1"), acled_row("SYR2")])
    run(path, "acled", data, real_gazetteer, source_name="x")
    write_csv(path, ACLED_COLUMNS, [acled_row("SYR1", fatalities=9)])
    run(path, "acled", data, real_gazetteer, source_name="x")
    frame = imported(load(data, real_gazetteer), "acled")
    assert list(frame.index) == ["acled-syr1"] and frame.iloc[0].fatalities == 9
    reports = yaml.safe_load((data / "reports.yaml").read_text())
    assert [r["id"] for r in reports].count("acled-x") == 1
    assert (data / "reports.yaml").read_text().startswith((REPO / "data" / "reports.yaml").read_text())
    before = DataFolder(data).fingerprint()
    with pytest.raises(EventImportError, match="record acled-syr1 already exists in data/events/imported-acled-x"):
        run(path, "acled", data, real_gazetteer, source_name="y")
    assert DataFolder(data).fingerprint() == before


def test_validator_checks_fatalities_and_dataset_sources(tmp_path, data, real_gazetteer):
    path = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row("SYR1")])
    summary = run(path, "acled", data, real_gazetteer)
    text = summary.event_file.read_text().replace('"fatalities":2', '"fatalities":-1')
    summary.event_file.write_text(text.replace('"event": "SYR1"', '"event": "SYR1", "evnt": 1'))
    with pytest.raises(DatasetError) as err:
        load(data, real_gazetteer)
    assert "acled-syr1: fatalities: -1 is out of range" in str(err.value)
    assert "sources[1]: unknown field 'evnt' (did you mean 'event'?)" in str(err.value)


# --- outputs -------------------------------------------------------------------------------------

def test_popup_and_exports_carry_event_id_and_fatalities(tmp_path, data, real_gazetteer):
    from geo.outputs.export.writers import export_dataset
    from geo.outputs.webmap.popups import popup_html

    path = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row("SYR77", notes="<script>x</script>")])
    run(path, "acled", data, real_gazetteer)
    dataset = load(data, real_gazetteer)
    popup = popup_html(imported(dataset, "acled")).iloc[0]
    assert "ACLED event SYR77" in popup and "<th>Fatalities</th><td>2 reported</td>" in popup
    assert "<script>" not in popup and "&lt;script&gt;" in popup
    export_dataset(dataset, tmp_path / "out", ["csv", "geojson"])
    with open(tmp_path / "out" / "desert-atlas.csv", encoding="utf-8") as fh:
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(fh)}
    assert rows["acled-syr77"]["fatalities"] == "2" and rows["acled-syr77"]["source_event_id"] == "SYR77"
    features = json.loads((tmp_path / "out" / "strikes.geojson").read_text())["features"]
    props = next(f["properties"] for f in features if f["id"] == "acled-syr77")
    assert props["fatalities"] == 2 and props["source_event"] == "SYR77"


def test_command_line_import_then_validate(tmp_path, data):
    acled = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("SYR5", actor2="Unheard-of Brigade")])
    ged = write_csv(tmp_path / "ged.csv", GED_COLUMNS, [ged_row(5, where_prec=3)])
    env = {**os.environ, settings.REPORTS_ENV: str(tmp_path / "no-texts")}

    def geo(*args):
        return subprocess.run([sys.executable, "-m", "geo", *args], check=False, cwd=REPO, capture_output=True,
                              text=True, env=env, timeout=300)

    done = geo("import-events", str(acled), "--format", "acled", "--data-dir", str(data), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "imported 1 of 1 row(s) (1 strike)" in done.stdout and "Unheard-of Brigade (1)" in done.stdout
    done = geo("import-events", str(ged), "--format", "ged", "--data-dir", str(data), "--no-progress")
    assert done.returncode == 0, done.stderr
    done = geo("validate", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK:") and "7 reports" in done.stdout
    missing = write_csv(tmp_path / "bad.csv", [c for c in GED_COLUMNS if c != "where_prec"], [ged_row(6)])
    done = geo("import-events", str(missing), "--format", "ged", "--data-dir", str(data), "--no-progress")
    assert done.returncode == 1
    assert done.stderr.strip() == (f"python -m geo import-events: error: {missing}: header: required column "
                                   "'where_prec' is missing")
