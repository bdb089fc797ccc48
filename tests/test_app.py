"""The dashboard page's widget logic (streamlit.testing AppTest): slider, steps, filters, search, errors."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from _dashboard import FIXTURES, XSS_RECORD, write_dashboard_data

from geo.store import load_dataset
from geo.core.filtering import filter_records

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write_dashboard_data(tmp_path_factory.mktemp("app") / "data")


@pytest.fixture(scope="module")
def frame(data_dir, real_gazetteer):
    return load_dataset(data_dir, gazetteer=real_gazetteer, reports_dirs=[FIXTURES / "geo_reports"]).frame


@pytest.fixture
def app(data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERT_ATLAS_DATA", str(data_dir))
    monkeypatch.setenv("DESERT_ATLAS_REPORTS", str(FIXTURES / "geo_reports"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at



def _caption(at) -> str:
    return next(c.value for c in at.caption if "records in view" in c.value)


def test_the_page_opens_on_the_whole_dataset(app, frame):
    assert app.title[0].value == "Desert Atlas"
    assert app.slider(key="window").value == (date(2021, 1, 1), date(2021, 12, 31))
    table = app.dataframe[0].value
    assert sorted(table["id"]) == sorted(frame["id"])
    assert f"{len(frame)} of {len(frame)} records in view" in _caption(app)
    # The hostile summary is plain table text (st.dataframe never renders HTML).
    assert XSS_RECORD["summary"] in set(table["summary"])
    assert not any("<img" in m.value for m in app.markdown)


def test_moving_the_slider_changes_the_records_shown(app, frame):
    app.slider(key="window").set_value((date(2021, 3, 1), date(2021, 3, 31))).run()
    expected = filter_records(frame, start="2021-03-01", end="2021-03-31")
    assert 0 < len(expected) < len(frame)
    assert sorted(app.dataframe[0].value["id"]) == sorted(expected["id"])
    assert "from 2021-03-01 to 2021-03-31" in _caption(app)
    coarse = app.dataframe[0].value.set_index("id")["coarse date"]
    assert bool(coarse["fx-ops-room-between"]) is True and bool(coarse["fx-depot-bukamal"]) is False


def test_step_buttons_move_the_window_by_the_chosen_step(app, frame):
    app.slider(key="window").set_value((date(2021, 3, 1), date(2021, 3, 31))).run()
    app.selectbox(key="step").set_value("month").run()
    app.button(key="step_forward").click().run()
    assert app.slider(key="window").value == (date(2021, 4, 1), date(2021, 4, 30))
    expected = filter_records(frame, start="2021-04-01", end="2021-04-30")
    assert sorted(app.dataframe[0].value["id"]) == sorted(expected["id"])
    app.selectbox(key="step").set_value("week").run()
    app.button(key="step_back").click().run()
    assert app.slider(key="window").value == (date(2021, 3, 25), date(2021, 4, 23))


@pytest.mark.parametrize("widget, value, filters", [
    ("actors", ["saa"], {"actors": ["saa"]}),
    ("kinds", ["strike", "facility"], {"kinds": ["strike", "facility"]}),
    ("outlets", ["Second Fixture Daily"], {"outlets": ["Second Fixture Daily"]}),
    ("min_confidence", 0.6, {"min_confidence": 0.6}),
    ("precision", 1, {"max_geo_precision": 1}),
])
def test_each_sidebar_filter_reduces_the_records(app, frame, widget, value, filters):
    if widget == "min_confidence":
        app.slider(key=widget).set_value(value).run()
    elif widget == "precision":
        app.selectbox(key=widget).set_value(value).run()
    else:
        app.multiselect(key=widget).set_value(value).run()
    expected = filter_records(frame, **filters)
    assert 0 < len(expected) < len(frame)
    assert sorted(app.dataframe[0].value["id"]) == sorted(expected["id"])
    assert f"{len(expected)} of {len(frame)} records in view" in _caption(app)


def test_place_search_names_the_answer_or_says_unresolved(app):
    app.text_input(key="place").input("Deri Ezzor").run()
    assert "Deir ez-Zor" in app.success[0].value and "geo_precision 1" in app.success[0].value
    app.text_input(key="place").input("Xyzzyplace").run()
    assert not app.success
    assert app.warning[0].value.startswith("unresolved")


def test_download_buttons(app):
    keys = {b.key for b in app.get("download_button")}
    assert {"download_geojson", "download_png"} <= keys


def test_play_steps_the_window_to_the_end_of_the_data_and_stops(app, frame):
    from geo.core.timeline import dataset_span

    first, last = dataset_span(frame)
    end = date(last.year, last.month, 1) - timedelta(days=1)  # the window starts a month before the end
    start = date(end.year, end.month, 1)
    app.selectbox(key="step").set_value("month").run()
    app.slider(key="window").set_value((start, end)).run()
    app.toggle(key="playing").set_value(True).run()  # plays on its own until it can move no further
    assert not app.exception, [e.value for e in app.exception]
    assert app.toggle(key="playing").value is False
    moved = app.slider(key="window").value
    assert moved[0] > start and moved[1] == last


def test_a_broken_data_folder_is_reported_not_crashed(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    broken = write_dashboard_data(tmp_path / "data")
    bad = dict(XSS_RECORD, id="fx-bad-kind", kind="parade")
    (broken / "events" / "zz-bad.yaml").write_text(yaml.safe_dump([bad]), encoding="utf-8")
    monkeypatch.setenv("DESERT_ATLAS_DATA", str(broken))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "cannot be shown" in at.error[0].value
    assert "zz-bad.yaml: fx-bad-kind: kind" in at.code[0].value


# ------------------------------------------------------------------ state in the URL, controls
def _open(data_dir, monkeypatch, params: dict[str, object]):
    """A new session opened from a link with these query parameters."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERT_ATLAS_DATA", str(data_dir))
    monkeypatch.setenv("DESERT_ATLAS_REPORTS", str(FIXTURES / "geo_reports"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _width(at):
    """The Window select (its key names the width it shows)."""
    return next(s for s in at.selectbox if s.label == "Window")


def test_a_link_reopens_the_window_and_filters(data_dir, monkeypatch, frame):
    at = _open(data_dir, monkeypatch, {"start": "2021-02-01", "end": "2021-09-30", "actor": ["saa", "nonexistent"],
                                       "kind": "strike,facility", "confidence": "0.3", "precision": "3",
                                       "corroboration": "all", "step": "week"})
    assert at.slider(key="window").value == (date(2021, 2, 1), date(2021, 9, 30))
    assert at.multiselect(key="actors").value == ["saa"]
    assert at.multiselect(key="kinds").value == ["strike", "facility"]
    assert at.slider(key="min_confidence").value == pytest.approx(0.3)
    assert at.selectbox(key="precision").value == 3
    assert at.selectbox(key="step").value == "week"
    expected = filter_records(frame, start="2021-02-01", end="2021-09-30", actors=["saa"],
                              kinds=["strike", "facility"], min_confidence=0.3, max_geo_precision=3)
    assert 0 < len(expected) < len(frame)
    assert sorted(at.dataframe[0].value["id"]) == sorted(expected["id"])
    # The URL now says the same, in a normal form (unknown actor gone, defaults left out).
    assert at.query_params["actor"] == "saa" and at.query_params["kind"] == ["strike", "facility"]
    assert at.query_params["start"] == "2021-02-01" and "corroboration" not in at.query_params


def test_changing_widgets_writes_the_url(app):
    app.multiselect(key="outlets").set_value(["Second Fixture Daily"]).run()
    app.slider(key="window").set_value((date(2021, 3, 1), date(2021, 3, 31))).run()
    assert app.query_params["outlet"] == "Second Fixture Daily"
    assert (app.query_params["start"], app.query_params["end"]) == ("2021-03-01", "2021-03-31")
    app.multiselect(key="outlets").set_value([]).run()
    assert "outlet" not in app.query_params


@pytest.mark.parametrize("params", [
    {"start": "yesterday", "end": "2021-13-45"}, {"start": "2021-06-01", "end": "2021-02-01"},
    {"start": "1999-01-01", "end": "1999-02-01"}, {"confidence": "nan"}, {"confidence": "7"},
    {"precision": "9", "corroboration": "maybe", "step": "fortnight", "kind": ",,parade"},
])
def test_invalid_link_values_are_ignored_not_crashed(data_dir, monkeypatch, frame, params):
    at = _open(data_dir, monkeypatch, params)
    assert at.slider(key="window").value == (date(2021, 1, 1), date(2021, 12, 31))
    assert at.slider(key="min_confidence").value == 0.0
    assert at.selectbox(key="precision").value is None and at.selectbox(key="step").value == "month"
    assert len(at.dataframe[0].value) == len(frame)


def test_a_link_window_outside_the_data_is_clipped_to_it(data_dir, monkeypatch):
    at = _open(data_dir, monkeypatch, {"start": "2020-06-01", "end": "2021-02-15"})
    assert at.slider(key="window").value == (date(2021, 1, 1), date(2021, 2, 15))


def test_at_the_whole_span_steps_and_play_are_disabled_and_say_why(app):
    assert _width(app).value == "whole span"
    for key in ("step_back", "step_forward"):
        assert app.button(key=key).disabled
        assert "whole span" in app.button(key=key).help
    assert app.toggle(key="playing").disabled and "narrower Window" in app.toggle(key="playing").help


def test_the_window_width_makes_stepping_possible_in_one_click(app):
    _width(app).set_value("1 month").run()
    assert app.slider(key="window").value == (date(2021, 1, 1), date(2021, 1, 31))
    assert not app.button(key="step_forward").disabled and not app.toggle(key="playing").disabled
    assert app.button(key="step_back").disabled and "first day" in app.button(key="step_back").help
    app.button(key="step_forward").click().run()
    assert app.slider(key="window").value == (date(2021, 2, 1), date(2021, 2, 28))
    app.slider(key="window").set_value((date(2021, 2, 1), date(2021, 2, 10))).run()
    assert _width(app).value == "custom"
    _width(app).set_value("whole span").run()
    assert app.slider(key="window").value == (date(2021, 1, 1), date(2021, 12, 31))


def test_play_says_it_stopped_at_the_end_of_the_data(app):
    _width(app).set_value("3 months").run()
    app.slider(key="window").set_value((date(2021, 8, 1), date(2021, 10, 31))).run()
    app.selectbox(key="step").set_value("quarter").run()
    app.toggle(key="playing").set_value(True).run()
    assert app.toggle(key="playing").value is False
    assert any("reached the end of the data" in i.value for i in app.info)
    assert app.button(key="step_forward").disabled and "last day" in app.button(key="step_forward").help


def test_window_helpers():
    from geo.core import timeline

    bounds = (date(2021, 1, 1), date(2021, 12, 31))
    assert timeline.window_of_width(date(2021, 3, 1), "1 month", bounds) == (date(2021, 3, 1), date(2021, 3, 31))
    assert timeline.window_of_width(date(2021, 12, 15), "1 month", bounds) == (date(2021, 12, 1), date(2021, 12, 31))
    assert timeline.window_of_width(date(2021, 3, 1), "whole span", bounds) == bounds
    assert timeline.window_of_width(date(2021, 3, 1), "1 year", bounds) == bounds
    assert timeline.width_label((date(2021, 3, 1), date(2021, 5, 31)), bounds) == "3 months"
    assert timeline.width_label((date(2021, 3, 1), date(2021, 3, 3)), bounds) == "custom"
    assert timeline.step_blocked(bounds, "month", 1, bounds).startswith("The window covers the whole span")
    assert timeline.step_blocked((date(2021, 3, 1), date(2021, 3, 31)), "month", 1, bounds) is None
    assert timeline.parse_window("2021-02-01", None, bounds) == (date(2021, 2, 1), date(2021, 12, 31))
    assert timeline.parse_window("2021-02-30", "2021-03-01", bounds) is None
    with pytest.raises(ValueError):
        timeline.window_of_width(date(2021, 3, 1), "fortnight", bounds)
