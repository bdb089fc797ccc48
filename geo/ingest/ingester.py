"""Bringing a new report in: geoparse its text into candidate records for the analyst to review.

>>> from geo.ingest.ingester import Ingester  # doctest: +SKIP
>>> result = Ingester().ingest_file("report.txt", published=date(2018, 6, 2))  # doctest: +SKIP
>>> [c["kind"] for c in result.candidates]  # doctest: +SKIP

The pipeline: decode the bytes (UTF-8, else charset-normalizer, else refuse) → zone the text
(headline, body, captions, "Read Also" links, forms, disclaimers, duplicated paragraphs, readers'
comments: :mod:`geo.ingest.text`) → per body sentence find places (:mod:`geo.ingest.places`),
actors (:mod:`geo.ingest.actors`), event cues (:mod:`geo.ingest.kinds`) and dates
(:mod:`geo.ingest.dates`) → assemble and merge candidates (:mod:`geo.ingest.build`).

Candidates have the schema of ``data/events/*.yaml`` records with ``status: candidate`` and a
``review`` block; they go to the review queue (:mod:`geo.review`), never into the curated data,
until the analyst accepts them.  Build one :class:`Ingester` and reuse it: the gazetteer's name
index is built once, and resolved names are cached across reports.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from gazetteer import tokenize

from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.core.model import Actor
from geo.core.problems import ProblemLog
from geo.errors import GeoError
from geo.ingest.actors import ActorFinder
from geo.ingest.build import drafts_of, merge, sentence_facts, to_record
from geo.ingest.places import Mention, PlaceFinder
from geo.ingest.text import ReportTextError, decode_report, layout
from geo.review import load_queue
from geo.store.folder import DataFolder

#: Reports larger than this are refused (a news report is tens of kB; a bigger file is not one).
MAX_REPORT_BYTES = 2_000_000
#: File names taken when a folder is ingested.
REPORT_SUFFIXES: tuple[str, ...] = (".txt",)
#: Actor id used when a strike's perpetrator is not named (when the registry has it).
UNKNOWN_ACTOR = "unknown"
#: Caveat registered for a report whose page says the outlet did not verify it (our words).
UNVERIFIED_CAVEAT = "The page carrying this report says the story has not been verified."

_ENGLISH = re.compile(r"\b(?:the|and|of|in|to|that|with)\b", re.IGNORECASE)
_ARABIC = re.compile(r"[\u0600-\u06FF]")


class IngestError(GeoError):
    """A report could not be ingested (the message names the file and why)."""


@dataclass(frozen=True)
class Source:
    """What the analyst says about where a report comes from (``--source/--via/--url/--published``)."""

    outlet: str | None = None
    via: str | None = None
    url: str | None = None
    published: date | None = None


@dataclass
class IngestResult:
    """One report's candidates, with the mentions and report facts they were built from."""

    report: dict[str, Any]
    text: str
    mentions: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    #: Event cues found in sentences naming no place, which no candidate could take in.
    unplaced: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``--out`` JSON: ``{"report", "mentions", "candidates"}`` (plus what was left unplaced)."""
        return {"report": self.report, "mentions": self.mentions, "candidates": self.candidates,
                "unplaced": self.unplaced}


def _language(text: str) -> str | None:
    letters = sum(ch.isalpha() for ch in text) or 1
    if len(_ARABIC.findall(text)) > 0.3 * letters:
        return "ar"
    words = len(text.split()) or 1
    return "en" if len(_ENGLISH.findall(text)) > 0.08 * words else None


class Ingester:
    """Turns report texts into candidate records; build once, reuse for many reports."""

    def __init__(self, *, gazetteer: Gazetteer | None = None, actors: dict[str, Actor] | None = None,
                 data_dir: Path | str | None = None, known_reports: dict[str, dict[str, Any]] | None = None):
        """``actors`` default to ``<data_dir>/actors.yaml``; ``known_reports`` maps report sha256 → its
        registry entry (default: ``<data_dir>/reports.yaml`` plus the review queue), so re-ingesting a
        registered report reuses its id and what the registry says about its source."""
        folder = DataFolder.at(data_dir)
        self.data_dir = folder.root
        self.gazetteer = gazetteer if gazetteer is not None else get_gazetteer()
        if actors is None:
            actors = _load_actors(folder)
        self.actors = actors
        self.places = PlaceFinder(self.gazetteer)
        self.actor_finder = ActorFinder(actors)
        self.known_reports = known_reports if known_reports is not None else _known_reports(folder)
        self._names = {a.id: a.name for a in actors.values()}

    # --- entry points ------------------------------------------------------------------------
    def ingest_file(self, path: Path | str, source: Source | None = None, **meta: Any) -> IngestResult:
        """Read, check and ingest one report file (see :meth:`ingest_text`); raises :class:`IngestError`."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IngestError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        if not path.is_file():
            raise IngestError(f"{path}: not a file")
        if size > MAX_REPORT_BYTES:
            raise IngestError(f"{path}: {size:,} bytes is over the {MAX_REPORT_BYTES:,}-byte limit for one report "
                              "(geo.ingest.ingester.MAX_REPORT_BYTES); split it or check it is a report")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        return self.ingest_bytes(data, name=path.name, source=source, **meta)

    def ingest_bytes(self, data: bytes, *, name: str = "<report>", source: Source | None = None,
                     **meta: Any) -> IngestResult:
        if len(data) > MAX_REPORT_BYTES:
            raise IngestError(f"{name}: {len(data):,} bytes is over the {MAX_REPORT_BYTES:,}-byte limit for one report")
        try:
            text, encoding = decode_report(data)
        except ReportTextError as exc:
            raise IngestError(f"{name}: {exc}") from exc
        return self.ingest_text(text, name=name, source=source, encoding=encoding, **meta)

    def ingest_text(self, text: str, *, name: str = "<report>", source: Source | None = None,
                    encoding: str = "utf-8", report_id: str | None = None) -> IngestResult:
        """Candidates of one report text; raises :class:`IngestError` when it names no known place."""
        if not text.strip():
            raise IngestError(f"{name}: the text is empty")
        body = text.encode("utf-8")
        sha = hashlib.sha256(body).hexdigest()
        known = self.known_reports.get(sha) or {}
        source = _with_registry(source or Source(), known)
        rid = report_id or known.get("id") or f"rep-{sha[:12]}"
        page = layout(text)
        toks = tokenize(text)
        facts = sentence_facts(text, page, toks, self.places, self.actor_finder, source.published)
        placed = [m for f in facts if f.zone == "body" for m in f.mentions
                  if m.role in ("place", "context", "anchor")]
        if not placed:
            raise IngestError(f"{name}: names no place the gazetteer knows, so nothing can be mapped "
                              "(check the file is a report about Syria, or add the place to the gazetteer)")
        unknown = UNKNOWN_ACTOR if UNKNOWN_ACTOR in self.actors else None
        drafts, placeless = drafts_of(text, facts, unknown)
        merged = merge(drafts, placeless)
        candidates = [to_record(d, text=text, report_id=rid, report_sha256=sha, published=source.published,
                                actor_names=self._names, unverified=page.unverified) for d in merged]
        report = {
            "id": rid,
            "sha256": sha,
            "file": f"{sha}.txt",
            "name": name,
            "outlet": source.outlet,
            "via": source.via,
            "url": source.url,
            "published": source.published.isoformat() if source.published else None,
            "language": _language(text),
            "encoding": encoding,
            "caveat": UNVERIFIED_CAVEAT if page.unverified else None,
            "unverified": page.unverified,
            "zones": page.zone_counts(),
            "comments_start": page.comments_start,
            "characters": len(text),
            "words": len(toks),
        }
        mentions = [_mention_dict(m, text, page.sentences[m.sentence].zone) for f in facts for m in f.mentions]
        unplaced = [{k: c[k] for k in ("kind", "start", "end")} for c in placeless if not c.get("merged")]
        return IngestResult(report, text, mentions, candidates, unplaced)


def _mention_dict(m: Mention, text: str, zone: str) -> dict[str, Any]:
    r = m.res
    return {
        "text": text[m.start:m.end], "start": m.start, "end": m.end, "resolved": bool(m.resolved),
        "id": r.id, "name": r.name, "lat": None if r.lat is None else round(r.lat, 6),
        "lon": None if r.lon is None else round(r.lon, 6), "geo_precision": r.geo_precision,
        "where_prec": r.where_prec, "uncertainty_m": None if r.uncertainty_m is None else round(r.uncertainty_m),
        "feature_type": r.feature_type, "confidence": round(r.confidence, 3), "role": m.role, "query": m.query,
        "context": m.context, "relation": m.relation, "fuzzy": m.fuzzy, "zone": zone, "keys": sorted(m.keys()),
    }


def _load_actors(folder: DataFolder) -> dict[str, Actor]:
    log = ProblemLog()
    actors = folder.actors(log)
    if not actors:
        problems = "; ".join(str(p) for p in log.problems[:3])
        raise IngestError(f"no actors to match: {folder.actors_path} has none{f' ({problems})' if problems else ''}")
    return actors


def _with_registry(source: Source, known: dict[str, Any]) -> Source:
    """What the analyst gave, completed by what the registry already says about the report."""
    published = source.published
    if published is None and known.get("published"):
        try:
            published = date.fromisoformat(str(known["published"]))
        except ValueError:
            published = None
    return Source(outlet=source.outlet or known.get("outlet"), via=source.via or known.get("via"),
                  url=source.url or known.get("url"), published=published)


def _known_reports(folder: DataFolder) -> dict[str, dict[str, Any]]:
    """sha256 → registry entry, from ``reports.yaml`` and the review queue."""
    out: dict[str, dict[str, Any]] = {}
    entries = folder.report_entries()
    try:
        entries += load_queue(folder.root).reports
    except GeoError:
        pass
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and isinstance(entry.get("id"), str):
            out.setdefault(entry["sha256"], entry)
    return out


# --- many files ----------------------------------------------------------------------------------
@dataclass
class Batch:
    """The outcome of ingesting several paths: results in order, and the files that failed."""

    results: list[IngestResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files to ingest: each file as given, each folder's ``*.txt`` files (sorted, recursively)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES))
        else:
            out.append(p)
    return out


def ingest_paths(paths: Sequence[Path | str], *, ingester: Ingester | None = None, source: Source | None = None,
                 progress: bool = False, on_error: Callable[[str, str], None] | None = None,
                 data_dir: Path | str | None = None) -> Batch:
    """Ingest files and folders; a bad file is recorded in ``failures`` and the others go on."""
    files = expand_paths(paths)
    if not files:
        raise IngestError("no report files found (folders are searched for " + ", ".join(REPORT_SUFFIXES) + ")")
    ing = ingester or Ingester(data_dir=data_dir)
    batch = Batch()
    iterator: Iterable[Path] = files
    bar = None
    if progress and len(files) > 1:
        from tqdm import tqdm

        bar = tqdm(files, desc="ingesting", unit="report", leave=False)
        iterator = bar
    try:
        for path in iterator:
            try:
                batch.results.append(ing.ingest_file(path, source))
            except IngestError as exc:
                batch.failures.append((str(path), str(exc)))
                if on_error is not None:
                    on_error(str(path), str(exc))
    finally:
        if bar is not None:
            bar.close()
    return batch


def write_json(batch: Batch, out: Path | str) -> Path:
    """``--out``: one result as ``{"report", "mentions", "candidates"}``, several as a list of them."""
    from geo.store.atomic import write_text_atomic

    payload: Any = batch.results[0].to_dict() if len(batch.results) == 1 else [r.to_dict() for r in batch.results]
    out = Path(out)
    write_text_atomic(out, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return out
