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
