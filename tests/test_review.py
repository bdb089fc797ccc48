"""The review queue: accepting (with edits), merging and rejecting candidates (geo.review.queue).

Every test works on a private data folder in ``tmp_path`` (the repository's actor registry,
no records) and keeps report texts in a temp folder through ``$DESERT_ATLAS_REPORTS``.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import shapely
import yaml

from dashboard import review_form
from geo import review, settings
from geo.review import decisions
from geo.store import DataFolder, load_dataset
from geo.core.evidence import quote
from geo.ingest.ingester import Ingester, Source

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
GOLAN = FIXTURES / "golan_front_statement.txt"
BADIA = FIXTURES / "badia_ops_room.txt"
PUBLISHED = date(2019, 3, 14)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    (folder / "events").mkdir(parents=True)
    shutil.copy(REPO / "data" / "actors.yaml", folder / "actors.yaml")
    (folder / "reports.yaml").write_text("# registry kept by the test\n", encoding="utf-8")
    monkeypatch.setenv("DESERT_ATLAS_REPORTS", str(tmp_path / "reports"))
    monkeypatch.delenv("DESERT_ATLAS_DATA", raising=False)
    return folder


def _queue(data: Path, gz, *paths: Path, published: date | None = PUBLISHED) -> review.Queue:
    ing = Ingester(gazetteer=gz, data_dir=data)
    review.add_results([ing.ingest_file(p, Source(outlet="Fixture Wire", published=published)) for p in paths],
                       data_dir=data)
    return review.load_queue(data)


def _pick(queue: review.Queue, kind: str) -> dict:
    return next(c for c in queue.pending() if c["kind"] == kind)


def _load(data: Path, gz, tmp_path: Path):
    return load_dataset(data, gazetteer=gz, reports_dirs=[tmp_path / "reports"])


def _files(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def test_accepted_candidate_becomes_a_valid_record_with_its_evidence(data, real_gazetteer, tmp_path):
    queue = _queue(data, real_gazetteer, GOLAN)
    cand = _pick(queue, "strike")
    before = DataFolder.at(data).fingerprint()
    record_id = review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer,
                              edits={"title": "Israeli strike on a depot near Tal Kalakh", "confidence": 0.6})
    assert DataFolder.at(data).fingerprint() != before  # the dashboard's cache key moves, so the map reloads

    ds = _load(data, real_gazetteer, tmp_path)
    rec = next(r for r in ds.records if r.id == record_id)
    assert rec.title == "Israeli strike on a depot near Tal Kalakh" and rec.confidence == 0.6
    assert rec.kind == "strike" and rec.actors == ("israel",) and rec.status is None
    town = real_gazetteer.get("tal_kalakh")
    assert rec.geometry.geom_type == "Polygon"  # "near the town of": an area, not a pin
    assert abs(rec.latitude - town.lat) < 0.2 and abs(rec.longitude - town.lon) < 0.2
    assert rec.geo_precision >= 2
    report = ds.reports[rec.sources[0].report]
    assert report.outlet == "Fixture Wire" and report.published == PUBLISHED
    text = GOLAN.read_text(encoding="utf-8")
    assert quote(rec.evidence[0], report, [tmp_path / "reports"]) in text
    assert "Israeli jets struck a weapons depot" in quote(rec.evidence[0], report, [tmp_path / "reports"])
    row = ds.frame[ds.frame["id"] == record_id]
    assert len(row) == 1 and row["source_outlet"].iloc[0] == "Fixture Wire"

    entry = review.load_queue(data).get(cand["id"])
    assert entry["status"] == "accepted" and entry["review"]["record"] == record_id
    assert sorted(entry["review"]["edited"]) == ["confidence", "title"]
    written = yaml.safe_load((data / "events" / settings.ACCEPTED_FILE).read_text(encoding="utf-8"))
    assert [r["id"] for r in written] == [record_id] and "review" not in written[0]


def test_a_bad_edit_is_refused_with_the_validators_message_and_nothing_is_written(data, real_gazetteer):
    queue = _queue(data, real_gazetteer, GOLAN)
    cand = _pick(queue, "statement")
    before = _files(data)
    with pytest.raises(review.ReviewError) as err:
        review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer,
                      edits={"actors": ["nobody"], "date_start": "2031-01-01", "place": "Atlantis"})
    message = str(err.value)
    assert "unknown actor 'nobody'" in message and "in the future" in message and "Atlantis" in message
    assert _files(data) == before
    assert review.load_queue(data).get(cand["id"])["status"] == "candidate"
    with pytest.raises(review.ReviewError, match="cannot edit 'id'"):
        review.accept(cand["id"], data_dir=data, edits={"id": "mine"})


def test_an_undated_candidate_needs_a_date_before_it_is_accepted(data, real_gazetteer, tmp_path):
    queue = _queue(data, real_gazetteer, GOLAN, published=None)
    cand = _pick(queue, "statement")
    assert cand["date_start"] is None
    with pytest.raises(review.ReviewError, match="date_start: is required"):
        review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer)
    record_id = review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer,
                              edits={"date_start": "2019-03", "date_precision": "month"})
    rec = next(r for r in _load(data, real_gazetteer, tmp_path).records if r.id == record_id)
    assert (rec.date_start, rec.date_end, rec.date_precision) == (date(2019, 3, 1), date(2019, 3, 31), "month")


def test_a_rejected_candidate_is_kept_and_not_proposed_again(data, real_gazetteer):
    queue = _queue(data, real_gazetteer, BADIA)
    cand = _pick(queue, "movement")
    review.reject(cand["id"], reason="the trucks are not an event", data_dir=data)
    entry = review.load_queue(data).get(cand["id"])
    assert entry["status"] == "rejected" and entry["review"]["reason"] == "the trucks are not an event"

    ing = Ingester(gazetteer=real_gazetteer, data_dir=data)
    again = review.add_results([ing.ingest_file(BADIA, Source(published=PUBLISHED))], data_dir=data)
    assert again.added == 0 and again.already_rejected == 1 and again.already_queued == len(queue.candidates) - 1
    keys = [c["review"]["key"] for c in review.load_queue(data).candidates]
    assert len(keys) == len(set(keys))
    with pytest.raises(review.ReviewError, match="already rejected"):
        review.accept(cand["id"], data_dir=data)


def test_merge_adds_the_source_and_evidence_to_an_existing_record(data, real_gazetteer, tmp_path):
    queue = _queue(data, real_gazetteer, GOLAN, BADIA)
    golan_report = next(r["id"] for r in queue.reports if r["ingest"]["name"] == GOLAN.name)
    badia_report = next(r["id"] for r in queue.reports if r["ingest"]["name"] == BADIA.name)
    first = next(c for c in queue.pending() if c["kind"] == "deployment" and c["sources"][0]["report"] == golan_report)
    target = review.accept(first["id"], data_dir=data, gazetteer=real_gazetteer)
    other = next(c for c in queue.pending() if c["kind"] == "facility" and c["sources"][0]["report"] == badia_report)
    accepted = data / "events" / settings.ACCEPTED_FILE
    header = accepted.read_text(encoding="utf-8").split("- id:")[0]

    changed = review.merge_into(other["id"], target, data_dir=data, gazetteer=real_gazetteer)
    assert changed == f"events/{settings.ACCEPTED_FILE}"
    ds = _load(data, real_gazetteer, tmp_path)
    rec = next(r for r in ds.records if r.id == target)
    assert [s.report for s in rec.sources] == [golan_report, badia_report]
    spans = {(e.report, e.start, e.end) for e in rec.evidence}
    assert {(e["report"], e["start"], e["end"]) for e in other["evidence"]} <= spans
    assert len(spans) == len(first["evidence"]) + len(other["evidence"])
    assert accepted.read_text(encoding="utf-8").startswith(header)  # the file's comments are kept
    assert review.load_queue(data).get(other["id"])["status"] == "merged"
    with pytest.raises(review.ReviewError, match="no record 'missing-record'"):
        review.merge_into(_pick(review.load_queue(data), "strike")["id"], "missing-record", data_dir=data)


def test_pending_candidates_are_drawn_in_the_dashboards_frame(data, real_gazetteer):
    queue = _queue(data, real_gazetteer, BADIA)
    ds_actors = Ingester(gazetteer=real_gazetteer, data_dir=data).actors
    frame, problems = review_form.candidates_frame(queue, gazetteer=real_gazetteer, actors=ds_actors)
    assert problems == {}
    assert sorted(frame["id"]) == sorted(c["id"] for c in queue.pending())
    assert frame.geometry.notna().all() and frame["latitude"].between(32, 38).all()
    assert set(frame["kind"]) == {"facility", "movement", "strike"}


def test_a_failed_write_leaves_the_queue_as_it_was(data, real_gazetteer, monkeypatch):
    queue = _queue(data, real_gazetteer, BADIA)
    cand = _pick(queue, "strike")
    before = _files(data)

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geo.store.atomic.os.replace", boom)
    with pytest.raises(OSError):
        review.reject(cand["id"], data_dir=data)
    assert _files(data) == before  # no half-written queue, no temp file left behind


# --- concurrent and interrupted decisions ----------------------------------------------------------
def test_concurrent_decisions_and_ingest_are_all_kept(data, real_gazetteer, tmp_path, monkeypatch):
    queue = _queue(data, real_gazetteer, GOLAN)
    first, second = _pick(queue, "strike"), _pick(queue, "statement")
    third = _pick(queue, "deployment")
    incoming = Ingester(gazetteer=real_gazetteer, data_dir=data).ingest_file(BADIA, Source(published=PUBLISHED))
    real_validate = decisions.validate_change

    def slow_validate(*args, **kwargs):  # the real check, as slow as on a big data folder
        real_validate(*args, **kwargs)
        time.sleep(0.4)

    monkeypatch.setattr(decisions, "validate_change", slow_validate)
    start = threading.Barrier(4)
    results: dict[str, object] = {}

    def run(name, fn, *args, **kwargs):
        start.wait()
        try:
            results[name] = fn(*args, **kwargs)
        except Exception as exc:  # reported below, with the others' outcome
            results[name] = exc

    threads = [
        threading.Thread(target=run, args=("accept 1", review.accept, first["id"]),
                         kwargs={"data_dir": data, "gazetteer": real_gazetteer}),
        threading.Thread(target=run, args=("accept 2", review.accept, second["id"]),
                         kwargs={"data_dir": data, "gazetteer": real_gazetteer}),
        threading.Thread(target=run, args=("reject", review.reject, third["id"]), kwargs={"data_dir": data}),
        threading.Thread(target=run, args=("ingest", review.add_results, [incoming]), kwargs={"data_dir": data}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(isinstance(v, Exception) for v in results.values()), results

    after = review.load_queue(data)
    assert after.get(first["id"])["status"] == "accepted" and after.get(second["id"])["status"] == "accepted"
    assert after.get(third["id"])["status"] == "rejected"
    assert results["ingest"].added == len(incoming.candidates)
    assert {c["id"] for c in incoming.candidates} <= {c["id"] for c in after.candidates}
    written = yaml.safe_load((data / "events" / settings.ACCEPTED_FILE).read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in written) == sorted([results["accept 1"], results["accept 2"]])
    assert {r.id for r in _load(data, real_gazetteer, tmp_path).records} == set(r["id"] for r in written)


def _fail_once_on(monkeypatch, name: str) -> None:
    """Make the next ``os.replace`` onto a file called ``name`` fail (a full disk at the worst moment)."""
    real_replace = os.replace
    failed = []

    def replace(src, dst):
        if Path(dst).name == name and not failed:
            failed.append(dst)
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("geo.store.atomic.os.replace", replace)


def test_an_accept_interrupted_before_the_queue_is_finished_by_retrying(data, real_gazetteer, tmp_path, monkeypatch):
    queue = _queue(data, real_gazetteer, GOLAN)
    cand = _pick(queue, "strike")
    _fail_once_on(monkeypatch, "queue.yaml")
    with pytest.raises(OSError):
        review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer, edits={"title": "First try"})
    # The record and its report were written, the queue (written last) still says "candidate".
    assert review.load_queue(data).get(cand["id"])["status"] == "candidate"
    assert [r.title for r in _load(data, real_gazetteer, tmp_path).records] == ["First try"]

    record_id = review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer, edits={"title": "First try"})
    records = _load(data, real_gazetteer, tmp_path).records
    assert [(r.id, r.title) for r in records] == [(record_id, "First try")]  # not accepted twice
    entry = review.load_queue(data).get(cand["id"])
    assert entry["status"] == "accepted" and entry["review"]["record"] == record_id
    assert not list(data.rglob("*.tmp*"))


def test_a_merge_interrupted_before_the_queue_is_finished_by_retrying(data, real_gazetteer, tmp_path, monkeypatch):
    queue = _queue(data, real_gazetteer, GOLAN, BADIA)
    target = review.accept(_pick(queue, "deployment")["id"], data_dir=data, gazetteer=real_gazetteer)
    other = _pick(queue, "facility")
    _fail_once_on(monkeypatch, "queue.yaml")
    with pytest.raises(OSError):
        review.merge_into(other["id"], target, data_dir=data, gazetteer=real_gazetteer)
    review.merge_into(other["id"], target, data_dir=data, gazetteer=real_gazetteer)
    rec = next(r for r in _load(data, real_gazetteer, tmp_path).records if r.id == target)
    spans = [(e.report, e.start, e.end) for e in rec.evidence]
    assert len(spans) == len(set(spans)) and len({s.report for s in rec.sources}) == len(rec.sources)
    assert review.load_queue(data).get(other["id"])["status"] == "merged"


# --- the review form -------------------------------------------------------------------------------
def _form_of(cand: dict) -> dict:
    """The form's values as the review page first shows them for ``cand``."""
    place = cand.get("place")
    return {"kind": cand["kind"], "subtype": cand.get("subtype"), "title": str(cand.get("title") or ""),
            "summary": str(cand.get("summary") or ""), "actors": list(cand.get("actors") or []),
            "place": "; ".join(place) if isinstance(place, list) else str(place or ""),
            "place_context": str(cand.get("place_context") or ""), "date_start": str(cand.get("date_start") or ""),
            "date_end": str(cand.get("date_end") or ""), "date_precision": cand.get("date_precision"),
            "status": cand["review"]["facility_status"] if cand["kind"] == "facility" else None}


def test_an_untouched_form_edits_nothing(data, real_gazetteer):
    queue = _queue(data, real_gazetteer, GOLAN, BADIA)
    assert {c["kind"] for c in queue.pending()} >= {"facility", "movement", "strike", "statement"}
    for cand in queue.pending():
        assert review_form.edits_from_form(cand, **_form_of(cand)) == {}, cand["id"]


def test_form_edits_of_a_movement_redraw_its_route(data, real_gazetteer, tmp_path):
    queue = _queue(data, real_gazetteer, BADIA)
    cand = _pick(queue, "movement")
    assert isinstance(cand["route"], list) and len(cand["route"]) == 2
    form = {**_form_of(cand), "place": " bukamal ;  tadmur ", "title": "Trucks from Bukamal to Tadmur",
            "date_end": "  "}
    edits = review_form.edits_from_form(cand, **form)
    assert edits == {"title": "Trucks from Bukamal to Tadmur", "place": ["bukamal", "tadmur"],
                     "route": ["bukamal", "tadmur"], "date_end": None}
    record_id = review.accept(cand["id"], edits=edits, data_dir=data, gazetteer=real_gazetteer)
    rec = next(r for r in _load(data, real_gazetteer, tmp_path).records if r.id == record_id)
    tadmur = real_gazetteer.get("palmyra")
    end = rec.geometry.coords[-1]
    assert rec.geometry.geom_type == "LineString" and abs(end[0] - tadmur.lon) < 0.05 and abs(end[1] - tadmur.lat) < 0.05
    assert review.load_queue(data).get(cand["id"])["review"]["edited"] == ["date_end", "place", "route", "title"]

    one_place = review_form.edits_from_form(cand, **{**_form_of(cand), "place": "bukamal"})
    assert one_place == {"place": "bukamal", "route": None}  # a route needs two places: drawn at the place
    as_strike = review_form.edits_from_form(cand, **{**_form_of(cand), "kind": "strike", "subtype": None})
    assert as_strike == {"kind": "strike", "subtype": None}  # record_from_candidate drops a strike's route


def test_a_subtype_outside_the_common_list_is_offered_and_kept(data, real_gazetteer, tmp_path):
    queue = _queue(data, real_gazetteer, BADIA)
    cand = _pick(queue, "movement")
    cand["subtype"] = "transfer"
    review.save(queue)  # as if the ingester (or an analyst's hand) had written it
    assert review_form.subtype_choices("movement", "transfer") == [None, "weapons_transfer", "equipment_transfer",
                                                              "fighters_transfer", "transfer"]
    assert review_form.subtype_choices("strike", "airstrike") == [None, "airstrike", "drone_attack", "shelling"]
    cand = review.load_queue(data).get(cand["id"])
    options = review_form.subtype_choices(cand["kind"], cand["subtype"])
    edits = review_form.edits_from_form(cand, **{**_form_of(cand), "subtype": options[options.index("transfer")]})
    record_id = review.accept(cand["id"], edits=edits, data_dir=data, gazetteer=real_gazetteer)
    rec = next(r for r in _load(data, real_gazetteer, tmp_path).records if r.id == record_id)
    assert rec.subtype == "transfer"


def test_report_text_is_the_stored_text_of_a_queued_report(data, real_gazetteer):
    queue = _queue(data, real_gazetteer, GOLAN)
    report_id = queue.pending()[0]["sources"][0]["report"]
    assert review.report_text(queue, report_id) == GOLAN.read_bytes().decode("utf-8")
    assert review.report_text(queue, "no-such-report") is None


# --- the review page's loaders ---------------------------------------------------------------------
def test_shared_loaders_rebuild_the_gazetteer_when_boundaries_are_imported(tmp_path, monkeypatch):
    from gazetteer import load_gazetteer
    from gazetteer import settings as gz_settings
    from dashboard import loaders as _loaders

    monkeypatch.setattr(gz_settings, "LOCAL_DIR", tmp_path / "home")
    _loaders.load_gz.clear()
    try:
        before = _loaders.boundaries_stamp()
        old = _loaders.load_gz(before)
        assert _loaders.load_gz(before) is old and old.boundaries is None  # cached while nothing changes
        square = {"type": "Polygon", "coordinates": [[[36.0, 33.3], [36.6, 33.3], [36.6, 33.7], [36.0, 33.7],
                                                      [36.0, 33.3]]]}
        path = tmp_path / "home" / "boundaries" / "admin1.geojson"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"type": "FeatureCollection", "source": "test boundaries", "features": [
            {"type": "Feature", "properties": {"pcode": "SY01"}, "geometry": square}]}), encoding="utf-8")
        after = _loaders.boundaries_stamp()
        assert after != before
        new = _loaders.load_gz(after)
        assert new is not old and new.boundaries == "test boundaries"
        assert new.get("SY01").geometry.equals(shapely.geometry.shape(square))
        assert load_gazetteer() is new  # the rest of the process sees the same, current gazetteer
    finally:
        _loaders.load_gz.clear()
        load_gazetteer.cache_clear()  # the next user rebuilds without the test's boundaries
