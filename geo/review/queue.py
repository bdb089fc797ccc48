"""The review queue: candidates proposed by ``python -m geo ingest``, and the analyst's decisions.

The queue lives in ``<data>/review/queue.yaml`` — inside the data folder but outside ``events/``,
so :func:`geo.core.dataset.load_dataset` never loads a candidate.  Each entry is a record as
``data/events/*.yaml`` writes it, with ``status: candidate`` and a ``review`` block (its key —
report sha256 + first evidence span + kind — and the places it was built from).  Decisions:

* :func:`accept` (optionally with edits) appends the record to ``events/accepted.yaml`` and its
  report to ``reports.yaml``;
* :func:`merge_into` adds the candidate's source and evidence to an existing record;
* :func:`reject` keeps the candidate as ``status: rejected``, so re-ingesting the same report does
  not propose it again.

Every change of curated data is validated first: the changed files are staged in a scratch copy
of the data folder and loaded with :func:`geo.core.dataset.load_dataset`; a problem with the new or
changed record refuses the change with the validator's own message.

Several people (dashboard sessions, an ingest run) may change the queue at once, and a decision
reads the queue, validates for seconds, then rewrites it.  Each writer therefore holds
:func:`queue_lock` (an exclusive ``flock`` on ``<data>/review/.lock``) from reading the queue to
writing it, so no decision overwrites another.  Each file is replaced atomically (temp file +
``os.replace``); several files cannot be replaced as one, so the queue — the record of the decision
— is replaced last, and a failure before it leaves a state that retrying the decision repairs
(see :func:`_commit`).
"""
from __future__ import annotations

import contextlib
import copy
import fcntl
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from geo import settings
from geo.store.atomic import staged
from geo.store.yamlio import _StrictLoader
from geo.errors import DatasetError, GeoError
from geo.core.model import SUBTYPES, Report

#: The queue file, relative to the data folder.
QUEUE_FILE = Path("review") / "queue.yaml"
#: The lock every writer of the queue holds (see :func:`queue_lock`), relative to the data folder.
LOCK_FILE = Path("review") / ".lock"
#: Where accepted candidates go, inside the data folder's ``events/``.
ACCEPTED_FILE = "accepted.yaml"
#: Review states of a queue entry (``status`` field).
STATES = ("candidate", "accepted", "merged", "rejected")
#: Record fields an analyst may change when accepting.
EDITABLE = ("kind", "subtype", "title", "summary", "actors", "place", "place_context", "place_text", "route",
            "date_start", "date_end", "date_text", "date_precision", "status", "confidence", "notes")
#: Fields of a report registry entry (the rest of a queue report entry is ingestion detail).
REPORT_FIELDS = ("id", "file", "sha256", "title", "outlet", "via", "url", "published", "published_text",
                 "language", "caveat")

_QUEUE_HEADER = ("# Desert Atlas review queue: candidate records proposed by `python -m geo ingest`.\n"
                 "# Decide on them in the dashboard's review page (accept / merge / reject); accepted records\n"
                 "# go to events/accepted.yaml. Rejected candidates stay here so they are not proposed again.\n")
_ACCEPTED_HEADER = ("# Records accepted from the review queue (geo/review.py). Titles and summaries are the\n"
                    "# analyst's; evidence points into the ingested report texts by span and sha256.\n")
_DUMP = {"sort_keys": False, "allow_unicode": True, "width": 110, "default_flow_style": None}
#: The comment written above each accepted record: lets a retried accept find what an interrupted one wrote.
_MARKER = "# candidate {candidate} accepted as {record}\n"
_MARKER_RE = re.compile(r"(?m)^# candidate (?P<candidate>\S+) accepted as (?P<record>\S+)$")


class ReviewError(GeoError):
    """A review decision could not be applied (nothing was written)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ReviewError(f"{path}: broken YAML: {getattr(exc, 'problem', None) or exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"{path}: cannot read: {exc}") from exc


@contextlib.contextmanager
def queue_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's review lock (exclusive ``flock``, across threads and processes).

    Every function that rewrites the queue holds it from reading the queue to replacing it, so
    concurrent decisions and ingests are applied one after the other and none is lost.  Not
    re-entrant: never take it twice in one call chain.
    """
    path = Path(data_dir) / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ReviewError(f"{path}: cannot open the review lock: {exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks (GIL released) while another decision is written
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- the queue -------------------------------------------------------------------------------------
@dataclass
class Queue:
    """The queue file's content (plain dicts, written back as they are)."""

    data_dir: Path
    reports: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.data_dir / QUEUE_FILE

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
        body = yaml.safe_dump({"version": 1, "reports": self.reports, "candidates": self.candidates}, **_DUMP)
        return _QUEUE_HEADER + body


def load_queue(data_dir: Path | str | None = None) -> Queue:
    """The queue of a data folder (empty when there is none yet)."""
    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    path = root / QUEUE_FILE
    if not path.exists():
        return Queue(root)
    data = _load_yaml(path) or {}
    if not isinstance(data, dict) or not isinstance(data.get("candidates", []), list):
        raise ReviewError(f"{path}: not a review queue (expected a mapping with 'reports' and 'candidates')")
    return Queue(root, list(data.get("reports") or []), list(data.get("candidates") or []))


@dataclass
class Added:
    """What :func:`add_results` did."""

    added: int = 0
    already_queued: int = 0
    already_rejected: int = 0
    reports: list[str] = field(default_factory=list)


def add_results(results: Iterable[Any], *, data_dir: Path | str | None = None) -> Added:
    """Queue the candidates of ingested reports, keep their texts, register their reports.

    A candidate whose key is already in the queue (pending, decided or rejected) is not added
    again.  Report texts go to :func:`geo.ingest.ingester.reports_dir` as ``<sha256>.txt``; they are written
    before the queue, so a failure leaves at most a stored text that a retry reuses.
    """
    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    results = list(results)  # ingest (slow) before taking the lock
    with queue_lock(root):
        return _add_results(results, root)


def _add_results(results: list[Any], root: Path) -> Added:
    from geo.ingest.ingester import reports_dir

    queue = load_queue(root)  # read under the lock: candidates queued meanwhile are kept
    known = queue.keys()
    summary = Added()
    texts: dict[Path, str] = {}
    for result in results:
        if not result.candidates:
            continue
        report = result.report
        if queue.report(report["id"]) is None:
            entry = {k: report.get(k) for k in REPORT_FIELDS if k in report}
            entry["ingest"] = {k: report.get(k) for k in ("name", "encoding", "zones", "comments_start",
                                                          "characters", "words")}
            entry["ingest"]["ingested"] = _now()
            queue.reports.append(entry)
        summary.reports.append(report["id"])
        target = reports_dir(root) / report["file"]
        if not target.exists():
            texts[target] = result.text
        for cand in result.candidates:
            key = cand["review"]["key"]
            if key in known:
                if known[key].get("status") == "rejected":
                    summary.already_rejected += 1
                else:
                    summary.already_queued += 1
                continue
            entry = copy.deepcopy(cand)
            entry["review"]["queued"] = _now()
            queue.candidates.append(entry)
            known[key] = entry
            summary.added += 1
    if not texts and not summary.added:
        return summary
    with staged() as st:  # replaced in staging order: the texts, then the queue
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(st.temp_for(path), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        queue.path.parent.mkdir(parents=True, exist_ok=True)
        with open(st.temp_for(queue.path), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(queue.dump())
    return summary


# --- decisions -------------------------------------------------------------------------------------
def record_from_candidate(entry: Mapping[str, Any], edits: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record a candidate becomes: its record fields, the analyst's edits, a real status."""
    edits = dict(edits or {})
    unknown = [k for k in edits if k not in EDITABLE]
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(map(repr, unknown))} (editable: {', '.join(EDITABLE)})")
    record = {k: copy.deepcopy(v) for k, v in entry.items() if k != "review"}
    for key, value in edits.items():
        if isinstance(value, date):
            value = value.isoformat()
        if isinstance(value, str) and not value.strip():
            value = None
        record[key] = value
    review = entry.get("review") or {}
    if "status" not in edits:
        record["status"] = review.get("facility_status") if record.get("kind") == "facility" else None
    if record.get("kind") == "facility" and not record.get("status"):
        record["status"] = "unknown"
    if record.get("kind") != "movement":
        record.pop("route", None)
    if record.get("date_end") is None and record.get("date_start") is not None and "date_end" not in edits:
        record.pop("date_end", None)
    return {k: v for k, v in record.items() if v is not None or k in ("summary", "notes")}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:40].strip("-") or "place"


def existing_record_ids(data_dir: Path) -> set[str]:
    """Ids of every record in the data folder's event files (read raw: broken records count too)."""
    from geo.core.problems import ProblemLog
    from geo.store.yamlio import read_yaml_list
    from geo.core.dataset import event_files

    log = ProblemLog()
    ids = set()
    for path in event_files(data_dir):
        for raw in read_yaml_list(path, path.name, log):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                ids.add(raw["id"])
    return ids


def new_record_id(entry: Mapping[str, Any], taken: set[str]) -> str:
    """``<report>-<kind>-<place>`` made unique with ``-2``, ``-3`` …"""
    review = entry.get("review") or {}
    places = review.get("places") or []
    name = (places[0].get("name") or places[0].get("query")) if places else str(entry.get("place") or "")
    report = _slug(str((entry.get("sources") or [{}])[0].get("report", "rep")))
    base = f"{report}-{_slug(str(entry.get('kind', 'record')))}-{_slug(str(name))}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    return out


class _RecordDumper(yaml.SafeDumper):
    """Writes records the way the hand-written data files look: long texts folded, dates bare."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 90 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _str)
_DATE_FIELDS = ("date_start", "date_end", "first_reported", "last_reported", "published")


def _dump_records(records: list[dict[str, Any]]) -> str:
    out = []
    for record in records:
        rec = dict(record)
        for key in _DATE_FIELDS:  # the strict loader reads a bare date back as text, as the validator wants
            value = rec.get(key)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                try:
                    rec[key] = date.fromisoformat(value)
                except ValueError:
                    pass
        out.append(rec)
    return yaml.dump(out, Dumper=_RecordDumper, **_DUMP)


def _append_records(path: Path, records: list[dict[str, Any]], header: str = "", *, comment: str = "") -> str:
    """``path``'s text with ``records`` appended after ``comment`` (what is there kept as written)."""
    text = path.read_text(encoding="utf-8") if path.exists() else header
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and not text.endswith("\n\n"):
        text += "\n"
    return text + comment + _dump_records(records)


def _registry_ids(data_dir: Path) -> set[str]:
    from geo.core.problems import ProblemLog
    from geo.store.yamlio import read_yaml_list

    log = ProblemLog()
    return {e["id"] for e in read_yaml_list(data_dir / settings.REPORTS_FILE, "reports.yaml", log, required=False)
            if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _report_change(queue: Queue, report_id: str) -> dict[str, str]:
    """``{"reports.yaml": new text}`` when the report is not registered yet, else ``{}``."""
    if report_id in _registry_ids(queue.data_dir):
        return {}
    entry = queue.report(report_id)
    if entry is None:
        raise ReviewError(f"report {report_id!r} is neither in {settings.REPORTS_FILE} nor in the review queue")
    clean = {k: entry[k] for k in REPORT_FIELDS if entry.get(k) is not None}
    return {settings.REPORTS_FILE: _append_records(queue.data_dir / settings.REPORTS_FILE, [clean])}


def _report_dirs(data_dir: Path) -> list[Path]:
    from geo.ingest.ingester import reports_dir

    dirs = [reports_dir(data_dir), *settings.reports_dirs()]
    return list(dict.fromkeys(dirs))


def validate_change(data_dir: Path, changes: Mapping[str, str], focus: Iterable[str], *,
                    gazetteer: Any = None) -> None:
    """Load the data folder as it would be with ``changes`` (relative path → new text).

    Raises :class:`ReviewError` with the validator's messages about the ``focus`` ids (the new
    or changed record, its report); problems elsewhere in the data are not this change's doing.
    """
    from geo.core.dataset import load_dataset

    focus = set(focus)
    with tempfile.TemporaryDirectory(prefix="desert-atlas-review-") as tmp:
        stage = Path(tmp) / "data"
        (stage / settings.EVENTS_SUBDIR).mkdir(parents=True)
        for name in (settings.ACTORS_FILE, settings.REPORTS_FILE):
            if (data_dir / name).exists():
                shutil.copy2(data_dir / name, stage / name)
        for path in (data_dir / settings.EVENTS_SUBDIR).glob("*"):
            if path.is_file():
                shutil.copy2(path, stage / settings.EVENTS_SUBDIR / path.name)
        for rel, text in changes.items():
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage / rel).write_text(text, encoding="utf-8")
        try:
            load_dataset(stage, gazetteer=gazetteer, reports_dirs=_report_dirs(data_dir))
        except DatasetError as exc:
            mine = [p for p in exc.problems if p.record in focus]
            if mine:
                lines = [f"{p.field}: {p.message}" for p in mine]
                raise ReviewError("the record does not validate:\n" + "\n".join(lines)) from exc


def _commit(data_dir: Path, changes: Mapping[str, str], queue: Queue) -> None:
    """Replace the changed files in the order given (``reports.yaml`` before events), the queue LAST.

    Each file is replaced atomically, but several files cannot be replaced as one: if a replace
    fails, the files before it are new and the others old.  The queue records the decision, so it
    goes last and any failure leaves the candidate pending; retrying the decision then repairs the
    rest: a report already registered is not added again, a merge skips sources and evidence the
    record already has, and :func:`accept` finds the record an interrupted accept wrote (by its
    marker comment) and only marks the candidate.
    """
    ordered = {rel: text for rel, text in changes.items() if rel != str(QUEUE_FILE)}
    ordered[str(QUEUE_FILE)] = queue.dump()
    with staged() as st:  # geo.store.atomic replaces in staging order
        for rel, text in ordered.items():
            target = data_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(st.temp_for(target), "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)


def _pending(queue: Queue, candidate_id: str) -> dict[str, Any]:
    entry = queue.get(candidate_id)
    if entry.get("status") != "candidate":
        raise ReviewError(f"candidate {candidate_id} was already {entry.get('status')}")
    return entry


def _accepted_earlier(data_dir: Path, candidate_id: str) -> str | None:
    """The record an earlier accept of ``candidate_id`` wrote, when it is still in the data."""
    path = data_dir / settings.EVENTS_SUBDIR / ACCEPTED_FILE
    if not path.exists():
        return None
    written = [m["record"] for m in _MARKER_RE.finditer(path.read_text(encoding="utf-8"))
               if m["candidate"] == candidate_id]
    if not written:
        return None
    ids = existing_record_ids(data_dir)
    return next((r for r in reversed(written) if r in ids), None)


def accept(candidate_id: str, *, edits: Mapping[str, Any] | None = None, data_dir: Path | str | None = None,
           gazetteer: Any = None) -> str:
    """Accept a candidate (with the analyst's ``edits``) into ``events/accepted.yaml``; returns the record id.

    Idempotent by candidate id: when an earlier accept wrote the record but failed before marking
    the candidate, this marks it and returns that record (the earlier edits stand).
    """
    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    edited = sorted(k for k in (edits or {}) if k in EDITABLE)
    with queue_lock(root):
        queue = load_queue(root)
        entry = _pending(queue, candidate_id)
        earlier = _accepted_earlier(root, candidate_id)
        if earlier is not None:
            entry["status"] = "accepted"
            entry["review"].update({"record": earlier, "decided": _now(), "edited": edited,
                                    "repaired": "the record was written by an earlier, interrupted accept"})
            _commit(root, {}, queue)
            return earlier
        record = record_from_candidate(entry, edits)
        record["id"] = new_record_id(entry, existing_record_ids(root))
        report_id = record["sources"][0]["report"]
        accepted = Path(settings.EVENTS_SUBDIR) / ACCEPTED_FILE
        marker = _MARKER.format(candidate=candidate_id, record=record["id"])
        changes = {**_report_change(queue, report_id),
                   str(accepted): _append_records(root / accepted, [record], _ACCEPTED_HEADER, comment=marker)}
        validate_change(root, changes, {record["id"], report_id}, gazetteer=gazetteer)
        entry["status"] = "accepted"
        entry["review"].update({"record": record["id"], "decided": _now(), "edited": edited})
        _commit(root, changes, queue)
    return record["id"]


def reject(candidate_id: str, *, reason: str | None = None, data_dir: Path | str | None = None) -> None:
    """Keep a candidate as rejected (it will not be proposed again for the same report)."""
    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    with queue_lock(root):
        queue = load_queue(root)
        entry = _pending(queue, candidate_id)
        entry["status"] = "rejected"
        entry["review"].update({"decided": _now(), "reason": reason})
        _commit(root, {}, queue)


# --- merging into an existing record ---------------------------------------------------------------
_ITEM = re.compile(r"^- ", re.MULTILINE)


def _blocks(text: str) -> tuple[str, list[str]]:
    """A YAML list file cut into its header and one text block per top-level item."""
    starts = [m.start() for m in _ITEM.finditer(text)]
    if not starts:
        return text, []
    return text[:starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _split_trailer(block: str) -> tuple[str, str]:
    """Separate trailing blank/comment lines (they introduce the next item) from an item's block."""
    lines = block.splitlines(keepends=True)
    k = len(lines)
    while k > 1 and (not lines[k - 1].strip() or lines[k - 1].lstrip().startswith("#")):
        k -= 1
    return "".join(lines[:k]), "".join(lines[k:])


def find_record(data_dir: Path, record_id: str) -> tuple[Path, dict[str, Any]]:
    """The event file holding ``record_id`` and the record as written there."""
    from geo.core.dataset import event_files

    for path in event_files(data_dir):
        _, blocks = _blocks(path.read_text(encoding="utf-8"))
        for block in blocks:
            if re.search(rf"(?m)^(?:- |  )id:\s*['\"]?{re.escape(record_id)}['\"]?\s*$", block):
                items = yaml.load(block, Loader=_StrictLoader)  # noqa: S506
                if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("id") == record_id:
                    return path, items[0]
    raise ReviewError(f"no record {record_id!r} in {data_dir / settings.EVENTS_SUBDIR}")


def _replace_record(text: str, record_id: str, record: dict[str, Any]) -> str:
    header, blocks = _blocks(text)
    out = [header]
    for block in blocks:
        body, trailer = _split_trailer(block)
        items = yaml.load(body, Loader=_StrictLoader)  # noqa: S506
        if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("id") == record_id:
            body = _dump_records([record])
        out.append(body + trailer)
    return "".join(out)


def merge_into(candidate_id: str, record_id: str, *, data_dir: Path | str | None = None,
               gazetteer: Any = None) -> str:
    """Add a candidate's source and evidence to an existing record; returns the file changed.

    Idempotent: sources and evidence the record already has are not added again.
    """
    root = Path(data_dir) if data_dir is not None else settings.data_dir()
    with queue_lock(root):
        return _merge_into(candidate_id, record_id, root, gazetteer)


def _merge_into(candidate_id: str, record_id: str, root: Path, gazetteer: Any) -> str:
    queue = load_queue(root)
    entry = _pending(queue, candidate_id)
    path, record = find_record(root, record_id)
    record = copy.deepcopy(record)
    sources = list(record.get("sources") or [])
    report_id = entry["sources"][0]["report"]
    if not any((s.get("report") if isinstance(s, dict) else s) == report_id for s in sources):
        sources.append({"report": report_id})
    record["sources"] = sources
    evidence = list(record.get("evidence") or [])
    have = {(e.get("report"), e.get("start"), e.get("end")) for e in evidence if isinstance(e, dict)}
    evidence.extend(e for e in entry.get("evidence") or [] if (e["report"], e["start"], e["end"]) not in have)
    record["evidence"] = evidence
    published = (queue.report(report_id) or {}).get("published")
    if record.get("kind") == "facility" and published and record.get("last_reported") is not None:
        record["last_reported"] = max(str(record["last_reported"]), str(published))
    rel = str(path.relative_to(root))
    changes = {**_report_change(queue, report_id),
               rel: _replace_record(path.read_text(encoding="utf-8"), record_id, record)}
    validate_change(root, changes, {record_id, report_id}, gazetteer=gazetteer)
    entry["status"] = "merged"
    entry["review"].update({"record": record_id, "decided": _now()})
    _commit(root, changes, queue)
    return rel


# --- the review page's form ------------------------------------------------------------------------
def subtype_choices(kind: str, current: str | None = None) -> list[str | None]:
    """Options of the subtype select: none, ``kind``'s common subtypes, and ``current`` when it is not one.

    Any snake_case subtype is valid (``transfer``, ``air_campaign``); offering only the common
    ones would silently drop the candidate's own when the analyst accepts.
    """
    options: list[str | None] = [None, *SUBTYPES.get(kind, ())]
    if current and current not in options:
        options.append(current)
    return options


def _blank(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def edits_from_form(candidate: Mapping[str, Any], *, kind: str, subtype: str | None, title: str, summary: str,
                    actors: Sequence[str], place: str, place_context: str, date_start: str, date_end: str,
                    date_precision: str | None, status: str | None = None) -> dict[str, Any]:
    """The review form's values as :func:`accept` edits: only the fields the analyst changed.

    ``place`` is the form's text, several places separated by ``;``; blank texts mean "not set";
    ``status`` is given for facilities only.  A movement proposed with a route keeps it while its
    places are unchanged; edited places become the route (origin first), or no route when fewer
    than two are left, since a stale route would still be drawn over the new places.
    """
    queries = [q.strip() for q in place.split(";") if q.strip()]
    review = candidate.get("review") or {}
    form: dict[str, Any] = {
        "kind": kind, "subtype": _blank(subtype), "title": _blank(title), "summary": _blank(summary),
        "actors": list(actors), "place": queries[0] if len(queries) == 1 else (queries or None),
        "place_context": _blank(place_context), "date_start": _blank(date_start), "date_end": _blank(date_end),
        "date_precision": _blank(date_precision),
    }
    if status is not None:
        form["status"] = status
    route = candidate.get("route")
    if isinstance(route, list) and kind == "movement" and queries != route:
        form["route"] = queries if len(queries) >= 2 else None
    current = {**candidate, "status": review.get("facility_status")}
    return {k: v for k, v in form.items() if v != current.get(k)}


def report_text(queue: Queue, report_id: str) -> str | None:
    """The stored text of a queued report (``None`` when it is not on this machine)."""
    from geo.core.evidence import find_report_file, read_report_text

    entry = queue.report(report_id) or {}
    if not entry.get("file"):
        return None
    path = find_report_file(Report(id=report_id, file=str(entry["file"])), _report_dirs(queue.data_dir))
    return read_report_text(path) if path is not None else None


# --- showing candidates ----------------------------------------------------------------------------
def candidates_frame(queue: Queue, *, gazetteer: Any, actors: Mapping[str, Any],
                     reports: Mapping[str, Any] | None = None, entries: list[dict[str, Any]] | None = None
                     ) -> tuple[Any, dict[str, str]]:
    """Pending candidates in the dataset frame's shape (for :mod:`geo.outputs.webmap.mapping`), and why others cannot be drawn.

    An undated candidate is drawn as of its report's publication (or today): the review map is
    about where, not when.
    """
    from geo.core.places import PlaceResolver
    from geo.core.problems import ProblemLog
    from geo.core.registry import parse_reports
    from geo.core.validate import LoadContext, parse_record
    from geo.core.dataset import records_to_frame

    log = ProblemLog()
    known = dict(reports or {})
    extra = parse_reports([{k: r.get(k) for k in REPORT_FIELDS if r.get(k) is not None} for r in queue.reports],
                          "queue", log)
    known.update({k: v for k, v in extra.items() if k not in known})
    ctx = LoadContext(dict(actors), known, {}, PlaceResolver(gazetteer), date.today())
    records, problems = [], {}
    for entry in entries if entries is not None else queue.pending():
        shown = record_from_candidate(entry)
        if shown.get("date_start") is None:
            rep = known.get(shown["sources"][0]["report"])
            shown["date_start"] = (rep.published if rep is not None and rep.published else date.today()).isoformat()
            shown.pop("date_end", None)
        shown.pop("evidence", None)  # spans are checked on accept, against the stored text
        before = len(log)
        rec = parse_record(shown, 1, "queue", ctx, log)
        if rec is None:
            problems[entry["id"]] = "; ".join(f"{p.field}: {p.message}" for p in log.problems[before:])
        else:
            records.append(rec)
    return records_to_frame(records, dict(actors)), problems
