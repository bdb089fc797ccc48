"""The review queue: accepting (with edits), merging and rejecting candidates (geo.review).

Every test works on a private data folder in ``tmp_path`` (the repository's actor registry,
no records) and keeps report texts in a temp folder through ``$DESERT_ATLAS_REPORTS``.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from geo import review
from geo.dataset import data_fingerprint, load_dataset
from geo.evidence import quote
from geo.ingest import Ingester, Source

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
    before = data_fingerprint(data)
    record_id = review.accept(cand["id"], data_dir=data, gazetteer=real_gazetteer,
                              edits={"title": "Israeli strike on a depot near Tal Kalakh", "confidence": 0.6})
    assert data_fingerprint(data) != before  # the dashboard's cache key moves, so the map reloads

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
    written = yaml.safe_load((data / "events" / review.ACCEPTED_FILE).read_text(encoding="utf-8"))
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
    accepted = data / "events" / review.ACCEPTED_FILE
    header = accepted.read_text(encoding="utf-8").split("- id:")[0]

    changed = review.merge_into(other["id"], target, data_dir=data, gazetteer=real_gazetteer)
    assert changed == f"events/{review.ACCEPTED_FILE}"
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
    frame, problems = review.candidates_frame(queue, gazetteer=real_gazetteer, actors=ds_actors)
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

    monkeypatch.setattr("geo._atomic.os.replace", boom)
    with pytest.raises(OSError):
        review.reject(cand["id"], data_dir=data)
    assert _files(data) == before  # no half-written queue, no temp file left behind
