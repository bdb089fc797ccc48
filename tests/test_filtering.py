"""filter_records: vectorised masks, the facility persistence rule, argument errors."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from _geo_helpers import DATA, REPORTS
from geo.store import load_dataset
from geo.errors import FilterError
from geo.core.filtering import filter_records, visibility_window
from geo.synthetic import synthetic_frame


@pytest.fixture
def frame(fake_gazetteer):
    return load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=date(2026, 1, 1)).frame


def ids(frame):
    return set(frame["id"])


def test_no_filter_keeps_everything_and_index(frame):
    out = filter_records(frame)
    assert out.index.equals(frame.index) and len(out) == 11


def test_window_meets_record_range(frame):
    # fx-strike-tanf covers 2021-07-10..16: a window touching either end includes it.
    assert "fx-strike-tanf" in ids(filter_records(frame, start="2021-07-16", end="2021-07-20"))
    assert "fx-strike-tanf" in ids(filter_records(frame, start="2021-07-01", end="2021-07-10"))
    assert "fx-strike-tanf" not in ids(filter_records(frame, start="2021-07-17", end="2021-08-01"))
    assert "fx-strike-tanf" not in ids(filter_records(frame, end="2021-07-09"))


def test_active_facility_persists_closed_one_ends(frame):
    later = ids(filter_records(frame, start="2024-01-01"))
    assert "fx-depot-bukamal" in later  # active: open-ended
    assert "fx-ops-room-between" not in later  # closed, last reported 2021-04-01
    assert "fx-ops-room-between" in ids(filter_records(frame, start="2021-03-20", end="2021-03-25"))
    assert "fx-ops-room-between" not in ids(filter_records(frame, start="2021-04-02", end="2021-05-01"))
    # a facility is shown from the earliest of date_start / first_reported
    assert "fx-depot-bukamal" in ids(filter_records(frame, start="2021-03-03", end="2021-03-03"))
    assert "fx-depot-bukamal" not in ids(filter_records(frame, end="2021-03-02"))


def test_month_and_year_bounds_cover_the_whole_period(frame):
    # end="2021-03" is 31 March, not 1 March: the depot shown from 3 March is in March's window.
    march = ids(filter_records(frame, start="2021-03", end="2021-03"))
    assert march == {"fx-depot-bukamal", "fx-ops-room-between", "fx-transfer-route", "fx-statement-unmapped"}
    assert ids(filter_records(frame, end="2021-03")) == ids(filter_records(frame, end="2021-03-31"))
    assert "fx-strike-tanf" in ids(filter_records(frame, start="2021-07", end="2021-07"))  # 10-16 July
    assert ids(filter_records(frame, start="2021", end="2021")) == ids(frame)
    assert ids(filter_records(frame, end="2021-02")) == {"fx-dangerous-cells", "fx-statement-unmapped"}


def test_visibility_window_values(frame):
    shown_from, shown_until = visibility_window(frame)
    by_id = dict(zip(frame["id"], zip(shown_from, shown_until)))
    assert by_id["fx-depot-bukamal"][0] == pd.Timestamp("2021-03-03") and pd.isna(by_id["fx-depot-bukamal"][1])
    assert by_id["fx-ops-room-between"] == (pd.Timestamp("2021-03-01"), pd.Timestamp("2021-04-01"))
    assert by_id["fx-strike-tanf"] == (pd.Timestamp("2021-07-10"), pd.Timestamp("2021-07-16"))


def test_actors_match_whole_ids_any_of(frame):
    assert ids(filter_records(frame, actors=["hezbollah"])) == {
        "fx-ops-room-between", "fx-country-point", "fx-dangerous-cells"}
    assert ids(filter_records(frame, actors="russia,hezbollah")) >= {"fx-statement-syria", "fx-country-point"}
    assert ids(filter_records(frame, actors=["irg"])) == set()  # no substring matches
    assert filter_records(frame, actors=[]).empty


def test_kinds_accept_kind_or_layer_and_reject_unknown(frame):
    assert ids(filter_records(frame, kinds=["facility"])) == {"fx-depot-bukamal", "fx-ops-room-between"}
    assert ids(filter_records(frame, kinds="strikes")) == {"fx-strike-tanf", "fx-override-point"}
    with pytest.raises(FilterError, match="unknown kind 'bases'"):
        filter_records(frame, kinds=["bases"])


def test_outlets_confidence_and_precision(frame):
    assert ids(filter_records(frame, outlets=["second fixture daily"])) == {
        "fx-strike-tanf", "fx-statement-syria", "fx-override-point"}
    assert ids(filter_records(frame, min_confidence=0.8)) == {"fx-strike-tanf", "fx-dangerous-cells"}
    exact = filter_records(frame, max_geo_precision=1)
    assert set(exact["geo_precision"]) == {1}
    assert "fx-statement-unmapped" not in ids(exact)  # no precision → not "precise"


def test_bad_window(frame):
    with pytest.raises(FilterError, match="before start"):
        filter_records(frame, start="2021-05-01", end="2021-04-01")
    with pytest.raises(FilterError, match="not a date"):
        filter_records(frame, start="soon")


def test_filters_combine_on_100k_rows():  # speed is measured in benchmarks, not here
    big = synthetic_frame(100_000, seed=3)
    out = filter_records(big, start="2015-01-01", end="2016-12-31", actors=["irgc", "saa"],
                         kinds=["facility", "strike"], min_confidence=0.3)
    assert 0 < len(out) < len(big)
    assert (out["confidence"] >= 0.3).all() and out["kind"].isin(["facility", "strike"]).all()


def test_present_values_offers_only_what_occurs(frame):
    from geo.core.filtering import present_values
    from geo.core.model import KINDS

    actors, kinds, outlets = present_values(frame)
    assert set(actors) == set(frame["actors"].explode().dropna())
    assert kinds == [k for k in KINDS if k in set(frame["kind"])]  # model order, nothing absent
    assert "Second Fixture Daily" in outlets
    for outlet in outlets:  # every offered outlet leads to a non-empty view
        assert len(filter_records(frame, outlets=[outlet])) > 0
