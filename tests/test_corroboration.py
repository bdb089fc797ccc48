"""Corroboration: links between records of different sources that plausibly describe one event.

Unit cases build small frames in the frame's own shape (from ``synthetic_frame``, then overwritten);
the end-to-end case imports an ACLED fixture written here next to the seed's curated strike.
"""
from __future__ import annotations

import csv
import html
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import settings
from geo.core import corroboration
from geo.core.corroboration import LINK_THRESHOLD, annotate, find_links, link_table
from geo.core.filtering import filter_records, present_values
from geo.errors import FilterError
from geo.synthetic import synthetic_frame

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2025, 6, 1)
# Lataminah, where the seed's r002-russian-strike-lataminah lies (2015-09-30, Russia).
LAT, LON = 35.32, 36.62
KM_DEG = 1 / 111.0  # about one kilometre of latitude, in degrees


def record(rid: str, **values: Any) -> dict[str, Any]:
    """One row: a Russian airstrike pinned at Lataminah on 2015-09-30 from report ``r-<rid>``."""
    row = {"id": rid, "kind": "strike", "actors": ["russia"], "lat": LAT, "lon": LON, "uncertainty_m": 2_000.0,
           "date_start": "2015-09-30", "date_end": None, "report_ids": [f"r-{rid}"], "source_outlet": "Outlet",
           "source_event": None, "title": f"title {rid}"}
    row.update(values)
    return row


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame of :data:`geo.core.frame.FRAME_COLUMNS` holding ``rows`` (points with an uncertainty)."""
    frame = synthetic_frame(len(rows), seed=1)
    table = pd.DataFrame(rows)
    for name in ("id", "kind", "uncertainty_m", "source_outlet", "source_event", "title"):
        frame[name] = table[name].to_numpy()
    frame["actors"] = pd.Series(list(table["actors"]), dtype=object)
    frame["actors_str"] = table["actors"].str.join(";")
    frame["report_ids"] = pd.Series(list(table["report_ids"]), dtype=object)
    frame["date_start"] = pd.to_datetime(table["date_start"])
    frame["date_end"] = pd.to_datetime(table["date_end"].fillna(table["date_start"]))
    frame = frame.set_geometry(shapely.points(table["lon"], table["lat"]).tolist(), crs=frame.crs)
    annotate(frame)
    return frame


def linked(frame: pd.DataFrame) -> set[frozenset[str]]:
    links = find_links(frame)
    ids = frame["id"].to_numpy()
    return {frozenset((ids[a], ids[b])) for a, b in zip(links.left, links.right)}


def score(frame: pd.DataFrame, a: str, b: str) -> float:
    table = link_table(frame)
    hit = table[(table["record"] == a) & (table["other_record"] == b)]
    return float(hit["score"].iloc[0]) if len(hit) else 0.0


# --- true and false cases ------------------------------------------------------------------------

def test_same_day_place_kind_and_actor_is_linked_with_full_score():
    frame = frame_of([record("a"), record("b")])
    assert linked(frame) == {frozenset({"a", "b"})}
    assert score(frame, "a", "b") == pytest.approx(1.0)
    assert list(frame["corroborated"]) == [True, True]
    assert list(frame["corroborated_by"]) == ["Outlet b", "Outlet a"]


@pytest.mark.parametrize("other, why", [
    (record("b", date_start="2015-10-07"), "a week later, beyond the tolerance"),
    (record("b", lat=LAT + 200 * KM_DEG), "200 km away"),
    (record("b", kind="facility"), "a facility is not a strike"),
    (record("b", actors=["isis"]), "different known actors"),
    (record("b", report_ids=["r-a"]), "the same report"),
    (record("b", lat=LAT + 5 * KM_DEG), "two pins 5 km apart do not touch"),
    (record("b", uncertainty_m=200_000.0, lat=LAT + 5 * KM_DEG), "country-level footprint"),
])
def test_not_linked(other, why):
    assert linked(frame_of([record("a"), other])) == set(), why


def test_same_dataset_rows_never_corroborate_each_other():
    rows = [record("a", report_ids=["acled-2019"], source_outlet="ACLED", source_event="SYR1"),
            record("b", report_ids=["acled-2020"], source_outlet="ACLED", source_event="SYR2")]
    assert linked(frame_of(rows)) == set()


def test_within_tolerance_unknown_actor_and_compatible_kind_still_link():
    frame = frame_of([record("a"), record("late", date_start="2015-10-01"),
                      record("anon", actors=["unknown"], report_ids=["r-x"]),
                      record("op", kind="operation", report_ids=["r-y"])])
    pairs = linked(frame)
    assert {frozenset({"a", "late"}), frozenset({"a", "anon"}), frozenset({"a", "op"})} <= pairs
    table = link_table(frame)
    anon = table[(table["record"] == "a") & (table["other_record"] == "anon")].iloc[0]
    assert anon["actors"] == corroboration.UNKNOWN_ACTOR_SCORE and anon["score"] >= LINK_THRESHOLD


def test_pin_inside_a_circle_links_and_score_orders_by_specificity():
    circle = record("circle", lat=LAT + 20 * KM_DEG, uncertainty_m=25_000.0)  # contains the pin 20 km away
    far = record("far", lat=LAT + 30 * KM_DEG, uncertainty_m=25_000.0)  # pin outside the 25 km circle
    frame = frame_of([record("a"), record("b"), circle, far,
                      record("week", date_start="2015-09-27", date_end="2015-10-03"),
                      record("anon", actors=[])])
    pairs = linked(frame)
    assert frozenset({"a", "circle"}) in pairs and frozenset({"a", "far"}) not in pairs
    exact, wide, week, anon = (score(frame, "a", x) for x in ("b", "circle", "week", "anon"))
    assert exact > wide >= LINK_THRESHOLD and exact > week >= LINK_THRESHOLD and exact > anon
    first = frame.set_index("id").loc["a", "corroborated_by"].split("; ")
    assert first[0] == "Outlet b"  # best score first


def test_links_scale_without_all_pairs():
    frame = synthetic_frame(20_000, seed=3)
    links = find_links(frame)
    assert len(links.left) < 20_000 and (links.left < links.right).all()
    assert ((links.score >= LINK_THRESHOLD) & (links.score <= 1.0)).all()


# --- filter, popup, export -----------------------------------------------------------------------

def test_corroboration_filter():
    frame = frame_of([record("a"), record("b"), record("alone", date_start="2016-01-01")])
    assert set(filter_records(frame, corroboration="corroborated")["id"]) == {"a", "b"}
    assert set(filter_records(frame, corroboration="uncorroborated")["id"]) == {"alone"}
    assert len(filter_records(frame, corroboration="all")) == 3
    with pytest.raises(FilterError, match="corroboration"):
        filter_records(frame, corroboration="maybe")


def test_popup_says_also_reported_by_escaped():
    from geo.outputs.webmap.popups import popup_html

    frame = frame_of([record("a"), record("b", source_outlet="<b>ACLED</b>", source_event="SYR<1>",
                                          report_ids=["acled-x"])])
    popups = popup_html(frame).tolist()
    assert "Also reported by" in popups[0] and html.escape("<b>ACLED</b> SYR<1>") in popups[0]
    assert "<b>ACLED</b>" not in popups[0] and "Outlet a" in popups[1]


def test_export_writes_links_csv(tmp_path):
    from geo.outputs.export.writers import LINKS_FILE, export_frame

    frame = frame_of([record("a"), record("b", source_outlet="=UCDP GED", source_event="7", report_ids=["ged"]),
                      record("alone", date_start="2016-01-01")])
    written = export_frame(frame, tmp_path, ["csv"])
    assert tmp_path / LINKS_FILE in written
    with open(tmp_path / LINKS_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["record"], r["other_record"]) for r in rows] == [("a", "b"), ("b", "a")]
    assert rows[0]["other_source"] == "'=UCDP GED 7"  # formula neutralised
    assert float(rows[0]["score"]) == pytest.approx(1.0)
    assert set(rows[0]) == {"record", "other_record", "other_source", "score", "time", "place", "kind", "actors"}
    table = pd.read_csv(tmp_path / "desert-atlas.csv")
    assert table.set_index("event_id_cnty").loc["a", "corroborated_by"] == "'=UCDP GED 7"


# --- end to end: an ACLED import beside the seed's curated strike --------------------------------

def test_imported_acled_row_corroborates_the_curated_strike(tmp_path, monkeypatch, real_gazetteer):
    from test_import_events import ACLED_COLUMNS, acled_row, write_csv

    from geo.datasets import import_events
    from geo.outputs.static.legend import dataset_licences
    from geo.store import load_dataset

    data = tmp_path / "data"
    (data / "events").mkdir(parents=True)
    for name in ("actors.yaml", "reports.yaml", "event_types.yaml", "events/seed.yaml"):
        shutil.copy(REPO / "data" / name, data / name)
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "no-texts"))
    path = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [
        acled_row("SYR900", event_date="2015-09-30", latitude=LAT, longitude=LON, location="Latamneh",
                  admin1="Hama", admin2="Muhradah", admin3="Kafr Zeita"),
        acled_row("SYR901", event_date="2015-09-20", latitude=LAT, longitude=LON),  # ten days early
        acled_row("SYR902", event_date="2015-09-30", latitude=36.5, longitude=37.9),  # far away
    ])
    import_events(path, "acled", data_dir=data, progress=False, today=TODAY, gazetteer=real_gazetteer,
                  source_name="ACLED test")
    frame = load_dataset(data, gazetteer=real_gazetteer, today=TODAY).frame.set_index("id", drop=False)
    curated, acled = frame.loc["r002-russian-strike-lataminah"], frame.loc["acled-syr900"]
    assert "ACLED SYR900" in curated.corroborated_by.split("; ")
    assert acled.corroborated_by == "Al-Rai r002-russian-strike-lataminah"
    assert not frame.loc["acled-syr901"].corroborated and not frame.loc["acled-syr902"].corroborated
    # Item 4: the dataset is a source like any other (outlet filter) and the PNG credits its licence.
    assert "ACLED" in present_values(frame)[2]
    assert set(filter_records(frame, outlets=["ACLED"])["id"]) == {"acled-syr900", "acled-syr901", "acled-syr902"}
    assert "terms of use" in dataset_licences(frame)["ACLED"]
