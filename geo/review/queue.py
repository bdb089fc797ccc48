"""The review queue: candidates proposed by ``python -m geo ingest``, waiting for an analyst.

The queue lives in ``<data>/review/queue.yaml`` — inside the data folder but outside ``events/``,
so loading the dataset never reads a candidate, and queueing never changes the dataset's
fingerprint.  Each entry is a record as ``events/*.yaml`` writes it, with ``status: candidate``
and a ``review`` block (its key — report sha256 + first evidence span + kind — and the places it
was built from).  Decisions on entries are :mod:`geo.review.decisions`.

Several writers (dashboard sessions, an ingest run) may change the queue at once; each holds the
data folder's lock (:meth:`geo.store.folder.DataFolder.lock`) from reading the queue to writing
it, so none overwrites another.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from geo.core.evidence import find_report_file, read_report_text
from geo.core.model import REPORT_FIELDS, Report
from geo.errors import GeoError
from geo.store.folder import DataFolder
from geo.store.yamlio import StrictLoader


_QUEUE_HEADER = ("# Desert Atlas review queue: candidate records proposed by `python -m geo ingest`.\n"
                 "# Decide on them in the dashboard's review page (accept / merge / reject); accepted records\n"
                 "# go to events/accepted.yaml. Rejected candidates stay here so they are not proposed again.\n")
#: How queue and record files are dumped (shared with :mod:`geo.review.records`).
DUMP_OPTIONS = {"sort_keys": False, "allow_unicode": True, "width": 110, "default_flow_style": None}


class ReviewError(GeoError):
    """A review decision could not be applied (nothing was written)."""


def now() -> str:
    """The time a decision is stamped with (UTC, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ReviewError(f"{path}: broken YAML: {getattr(exc, 'problem', None) or exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"{path}: cannot read: {exc}") from exc


# --- the queue -------------------------------------------------------------------------------------
@dataclass
class Queue:
    """The queue file's content (plain dicts, written back as they are)."""

    folder: DataFolder
    reports: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.folder.root

    @property
    def path(self) -> Path:
        return self.folder.queue_path

    def pending(self) -> list[dict[str, Any]]:
        return [c for c in self.candidates if c.get("status") == "candidate"]

    def get(self, candidate_id: str) -> dict[str, Any]:
        for c in self.candidates:
            if c.get("id") == candidate_id:
                return c
        raise ReviewError(f"no candidate {candidate_id!r} in {self.path}")

    def report(self, report_id: str) -> dict[str, Any] | None:
        return next((r for r in self.reports if r.get("id") == report_id), None)

    def keys(self) -> dict[str, dict[str, Any]]:
        return {c["review"]["key"]: c for c in self.candidates if isinstance(c.get("review"), dict)}

    def dump(self) -> str:
        body = yaml.safe_dump({"version": 1, "reports": self.reports, "candidates": self.candidates}, **DUMP_OPTIONS)
        return _QUEUE_HEADER + body


def load_queue(data_dir: Path | str | None = None) -> Queue:
    """The queue of a data folder (empty when there is none yet)."""
    folder = DataFolder.at(data_dir)
    path = folder.queue_path
    if not path.exists():
        return Queue(folder)
    data = _load_yaml(path) or {}
    if not isinstance(data, dict) or not isinstance(data.get("candidates", []), list):
        raise ReviewError(f"{path}: not a review queue (expected a mapping with 'reports' and 'candidates')")
    return Queue(folder, list(data.get("reports") or []), list(data.get("candidates") or []))


def save(queue: Queue, changes: Mapping[str, str] | None = None) -> None:
    """Write ``changes`` (data-folder files) and then the queue, each atomically, the queue LAST.

    The queue records a decision, so any failure before it leaves the candidate pending and a
    retry of the decision repairs the rest (see :mod:`geo.review.decisions`).  Call with the
    folder's lock held.
    """
    queue_rel = queue.folder.relative(queue.path)
    ordered: dict[str | Path, str] = {rel: text for rel, text in (changes or {}).items() if rel != queue_rel}
    ordered[queue_rel] = queue.dump()
    queue.folder.commit(ordered)


@dataclass
class Added:
    """What :func:`add_results` did."""

    added: int = 0
    reports: list[str] = field(default_factory=list)
    #: ``(candidate id, title)`` of each candidate the queue already held, and of those rejected before.
    queued_before: list[tuple[str, str]] = field(default_factory=list)
    rejected_before: list[tuple[str, str]] = field(default_factory=list)

    @property
    def already_queued(self) -> int:
        return len(self.queued_before)

    @property
    def already_rejected(self) -> int:
        return len(self.rejected_before)


def add_results(results: Iterable[Any], *, data_dir: Path | str | None = None) -> Added:
    """Queue the candidates of ingested reports, keep their texts, register their reports.

    A candidate whose key is already in the queue (pending, decided or rejected) is not added
    again.  Report texts go to the folder's stored reports (``<sha256>.txt``); they are written
    before the queue, so a failure leaves at most a stored text that a retry reuses.
    """
    folder = DataFolder.at(data_dir)
    results = list(results)  # ingest (slow) before taking the lock
    with folder.lock():
        return _add_results(results, folder)


def _add_results(results: list[Any], folder: DataFolder) -> Added:
    queue = load_queue(folder.root)  # read under the lock: candidates queued meanwhile are kept
    known = queue.keys()
    summary = Added()
    texts: dict[str, str] = {}
    for result in results:
        if not result.candidates:
            continue
        report = result.report
        if queue.report(report["id"]) is None:
            entry = {k: report.get(k) for k in REPORT_FIELDS if k in report}
            entry["ingest"] = {k: report.get(k) for k in ("name", "encoding", "zones", "comments_start",
                                                          "characters", "words")}
            entry["ingest"]["ingested"] = now()
            queue.reports.append(entry)
        summary.reports.append(report["id"])
        target = folder.stored_reports_dir / report["file"]
        if not target.exists():
            texts[str(target)] = result.text
        for cand in result.candidates:
            key = cand["review"]["key"]
            if key in known:
                named = (str(known[key].get("id")), str(cand.get("title") or ""))
                (summary.rejected_before if known[key].get("status") == "rejected" else summary.queued_before).append(named)
                continue
            entry = copy.deepcopy(cand)
            entry["review"]["queued"] = now()
            queue.candidates.append(entry)
            known[key] = entry
            summary.added += 1
    if not texts and not summary.added:
        return summary
    save(queue, texts)  # the texts first, then the queue
    return summary


def report_text(queue: Queue, report_id: str) -> str | None:
    """The stored text of a queued report (``None`` when it is not on this machine)."""
    entry = queue.report(report_id) or {}
    if not entry.get("file"):
        return None
    path = find_report_file(Report(id=report_id, file=str(entry["file"])), queue.folder.report_dirs())
    return read_report_text(path) if path is not None else None
