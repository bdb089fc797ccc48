"""An analyst's decisions on queued candidates: accept (with edits), merge into a record, reject.

* :func:`accept` appends the record to ``events/accepted.yaml`` and its report to ``reports.yaml``;
* :func:`merge_into` adds the candidate's source and evidence to an existing record;
* :func:`reject` keeps the candidate as ``status: rejected``, so re-ingesting the same report does
  not propose it again.

Every change of curated data is validated first: the changed files are staged in a scratch copy
of the data folder and loaded with :func:`geo.store.loading.load_dataset`; a problem with the new
or changed record refuses the change with the validator's own message.  A decision holds the data
folder's lock from reading the queue to writing it, and writes the queue last
(:func:`geo.review.queue.save`), so an interrupted decision is repaired by retrying it: a report
already registered is not added again, a merge skips sources and evidence the record already has,
and :func:`accept` finds the record an interrupted accept wrote (by its marker comment).
"""
from __future__ import annotations

import copy
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from geo.core.gazetteer_access import Gazetteer
from geo.errors import DatasetError
from geo.core.model import EDITABLE_FIELDS, REPORT_FIELDS
from geo.review.queue import Queue, ReviewError, load_queue, now, save
from geo.review.records import (append_records, existing_record_ids, find_record, new_record_id,
                                record_from_candidate, replace_record)
from geo.store.folder import DataFolder
from geo.store.loading import load_dataset

_ACCEPTED_HEADER = ("# Records accepted from the review queue (geo/review/decisions.py). Titles and summaries\n"
                    "# are the analyst's; evidence points into the ingested report texts by span and sha256.\n")
#: The comment written above each accepted record: lets a retried accept find what an interrupted one wrote.
_MARKER = "# candidate {candidate} accepted as {record}\n"
_MARKER_RE = re.compile(r"(?m)^# candidate (?P<candidate>\S+) accepted as (?P<record>\S+)$")


def _report_change(queue: Queue, report_id: str) -> dict[str, str]:
    """``{"reports.yaml": new text}`` when the report is not registered yet, else ``{}``."""
    folder = queue.folder
    if any(e.get("id") == report_id for e in folder.report_entries()):
        return {}
    entry = queue.report(report_id)
    if entry is None:
        raise ReviewError(f"report {report_id!r} is neither in {folder.reports_path.name} nor in the review queue")
    clean = {k: entry[k] for k in REPORT_FIELDS if entry.get(k) is not None}
    return {folder.relative(folder.reports_path): append_records(folder.reports_path, [clean])}


def validate_change(folder: DataFolder, changes: Mapping[str, str], focus: Iterable[str], *,
                    gazetteer: Gazetteer | None = None) -> None:
    """Load the data folder as it would be with ``changes`` (relative path → new text).

    Raises :class:`ReviewError` with the validator's messages about the ``focus`` ids (the new
    or changed record, its report); problems elsewhere in the data are not this change's doing.
    """
    focus = set(focus)
    with tempfile.TemporaryDirectory(prefix="desert-atlas-review-") as tmp:
        stage = DataFolder(Path(tmp) / "data")
        stage.events_dir.mkdir(parents=True)
        for path in (folder.actors_path, folder.reports_path, *folder.events_dir.glob("*")):
            if path.is_file():
                shutil.copy2(path, stage.root / folder.relative(path))
        for rel, text in changes.items():
            (stage.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage.root / rel).write_text(text, encoding="utf-8")
        try:
            load_dataset(stage.root, gazetteer=gazetteer, reports_dirs=folder.report_dirs())
        except DatasetError as exc:
            mine = [p for p in exc.problems if p.record in focus]
            if mine:
                lines = [f"{p.field}: {p.message}" for p in mine]
                raise ReviewError("the record does not validate:\n" + "\n".join(lines)) from exc


def _pending(queue: Queue, candidate_id: str) -> dict[str, Any]:
    entry = queue.get(candidate_id)
    if entry.get("status") != "candidate":
        raise ReviewError(f"candidate {candidate_id} was already {entry.get('status')}")
    return entry


def _accepted_earlier(folder: DataFolder, candidate_id: str) -> str | None:
    """The record an earlier accept of ``candidate_id`` wrote, when it is still in the data."""
    path = folder.accepted_path
    if not path.exists():
        return None
    written = [m["record"] for m in _MARKER_RE.finditer(path.read_text(encoding="utf-8"))
               if m["candidate"] == candidate_id]
    if not written:
        return None
    ids = existing_record_ids(folder)
    return next((r for r in reversed(written) if r in ids), None)


def accept(candidate_id: str, *, edits: Mapping[str, Any] | None = None, data_dir: Path | str | None = None,
           gazetteer: Gazetteer | None = None) -> str:
    """Accept a candidate (with the analyst's ``edits``) into ``events/accepted.yaml``; returns the record id.

    Idempotent by candidate id: when an earlier accept wrote the record but failed before marking
    the candidate, this marks it and returns that record (the earlier edits stand).
    """
    folder = DataFolder.at(data_dir)
    edited = sorted(k for k in (edits or {}) if k in EDITABLE_FIELDS)
    with folder.lock():
        queue = load_queue(folder.root)
        entry = _pending(queue, candidate_id)
        earlier = _accepted_earlier(folder, candidate_id)
        if earlier is not None:
            entry["status"] = "accepted"
            entry["review"].update({"record": earlier, "decided": now(), "edited": edited,
                                    "repaired": "the record was written by an earlier, interrupted accept"})
            save(queue)
            return earlier
        record = record_from_candidate(entry, edits)
        record["id"] = new_record_id(entry, existing_record_ids(folder))
        report_id = record["sources"][0]["report"]
        marker = _MARKER.format(candidate=candidate_id, record=record["id"])
        changes = {**_report_change(queue, report_id),
                   folder.relative(folder.accepted_path): append_records(folder.accepted_path, [record],
                                                                          _ACCEPTED_HEADER, comment=marker)}
        validate_change(folder, changes, {record["id"], report_id}, gazetteer=gazetteer)
        entry["status"] = "accepted"
        entry["review"].update({"record": record["id"], "decided": now(), "edited": edited})
        save(queue, changes)
    return record["id"]


def reject(candidate_id: str, *, reason: str | None = None, data_dir: Path | str | None = None) -> None:
    """Keep a candidate as rejected (it will not be proposed again for the same report)."""
    folder = DataFolder.at(data_dir)
    with folder.lock():
        queue = load_queue(folder.root)
        entry = _pending(queue, candidate_id)
        entry["status"] = "rejected"
        entry["review"].update({"decided": now(), "reason": reason})
        save(queue)


def merge_into(candidate_id: str, record_id: str, *, data_dir: Path | str | None = None,
               gazetteer: Gazetteer | None = None) -> str:
    """Add a candidate's source and evidence to an existing record; returns the file changed.

    Idempotent: sources and evidence the record already has are not added again.
    """
    folder = DataFolder.at(data_dir)
    with folder.lock():
        queue = load_queue(folder.root)
        entry = _pending(queue, candidate_id)
        path, record = find_record(folder, record_id)
        report_id = entry["sources"][0]["report"]
        merged = _merged_record(record, entry, report_id, (queue.report(report_id) or {}).get("published"))
        rel = folder.relative(path)
        changes = {**_report_change(queue, report_id),
                   rel: replace_record(path.read_text(encoding="utf-8"), record_id, merged)}
        validate_change(folder, changes, {record_id, report_id}, gazetteer=gazetteer)
        entry["status"] = "merged"
        entry["review"].update({"record": record_id, "decided": now()})
        save(queue, changes)
    return rel


def _merged_record(record: Mapping[str, Any], entry: Mapping[str, Any], report_id: str,
                   published: Any) -> dict[str, Any]:
    """``record`` with the candidate's report and evidence added (what it already has is kept once)."""
    record = copy.deepcopy(dict(record))
    sources = list(record.get("sources") or [])
    if not any((s.get("report") if isinstance(s, dict) else s) == report_id for s in sources):
        sources.append({"report": report_id})
    record["sources"] = sources
    evidence = list(record.get("evidence") or [])
    have = {(e.get("report"), e.get("start"), e.get("end")) for e in evidence if isinstance(e, dict)}
    evidence.extend(e for e in entry.get("evidence") or [] if (e["report"], e["start"], e["end"]) not in have)
    record["evidence"] = evidence
    if record.get("kind") == "facility" and published and record.get("last_reported") is not None:
        record["last_reported"] = max(str(record["last_reported"]), str(published))
    return record
