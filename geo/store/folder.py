"""The data folder: the one place that knows its layout, reads its registries and writes its files.

A data folder holds ``actors.yaml``, ``reports.yaml`` and ``events/*.yaml`` (the curated dataset,
tracked in git), ``review/`` (the ingest queue and its lock) and ``local/`` (untracked: stored
report texts, caches).  Every other module asks a :class:`DataFolder` for a path instead of joining
names itself, so the layout can change in one place and a second store can stand behind the same
questions later.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import settings
from geo.core.model import Actor, Report
from geo.core.problems import ProblemLog
from geo.core.registry import parse_actors, parse_reports
from geo.errors import GeoError
from geo.store.atomic import staged
from geo.store.yamlio import read_yaml_list

#: Sub-folders that :meth:`DataFolder.fingerprint` ignores: the dataset never reads them.
_NOT_DATASET = ("local", "review")


class StoreError(GeoError):
    """The data folder could not be read or written (nothing was half-written)."""


@dataclass(frozen=True)
class DataFolder:
    """One data folder (default: :func:`geo.settings.data_dir`)."""

    root: Path

    @classmethod
    def at(cls, path: Path | str | None = None) -> DataFolder:
        """The folder at ``path``, or the one the settings name when ``path`` is None."""
        return cls(Path(path) if path is not None else settings.data_dir())

    # --- layout ------------------------------------------------------------------------------
    @property
    def actors_path(self) -> Path:
        return self.root / settings.ACTORS_FILE

    @property
    def reports_path(self) -> Path:
        return self.root / settings.REPORTS_FILE

    @property
    def events_dir(self) -> Path:
        return self.root / settings.EVENTS_SUBDIR

    @property
    def accepted_path(self) -> Path:
        """Where records accepted from the review queue are appended."""
        return self.events_dir / settings.ACCEPTED_FILE

    @property
    def queue_path(self) -> Path:
        return self.root / settings.QUEUE_FILE

    @property
    def lock_path(self) -> Path:
        return self.root / settings.LOCK_FILE

    @property
    def cache_dir(self) -> Path:
        """Rebuildable files derived from the folder (never tracked; safe to delete)."""
        return self.root / "local" / "cache"

    @property
    def stored_reports_dir(self) -> Path:
        """Where ingested report texts are kept: ``$DESERT_ATLAS_REPORTS``'s first folder, else
        ``<data>/local/reports`` (for the default folder, :func:`geo.settings.reports_dirs`'s first)."""
        env = os.environ.get(settings.REPORTS_ENV)
        first = next((p for p in (env or "").split(os.pathsep) if p.strip()), None)
        return Path(first).expanduser() if first else self.root / "local" / "reports"

    def report_dirs(self) -> list[Path]:
        """Folders searched for report texts: the stored texts first, then the configured folders."""
        return list(dict.fromkeys([self.stored_reports_dir, *settings.reports_dirs()]))

    def event_files(self) -> list[Path]:
        """The event files, in load order (sorted by name)."""
        files = {p for pattern in settings.EVENT_FILE_PATTERNS for p in self.events_dir.glob(pattern)
                 if p.is_file()}
        return sorted(files)

    def relative(self, path: Path) -> str:
        """``path`` relative to the folder, as the change sets of :meth:`commit` name files."""
        return path.relative_to(self.root).as_posix()

    def label(self, path: Path) -> str:
        """How a file is named in problem messages: relative to the data folder's parent."""
        try:
            return path.resolve().relative_to(self.root.resolve().parent).as_posix()
        except ValueError:
            return str(path)

    # --- reading -----------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """Hash of the names and bytes of the files the dataset is loaded from: a cache key.

        ``review/`` and ``local/`` are left out: an ingest or a rejection changes only the queue,
        and must not make the dashboard reload (and re-resolve) every record.
        """
        digest = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            rel = path.relative_to(self.root)
            if rel.parts and rel.parts[0] in _NOT_DATASET:
                continue
            digest.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def read_list(self, path: Path, log: ProblemLog, *, required: bool = True) -> list[Any]:
        """One YAML list file of the folder; problems go to ``log`` under the file's label."""
        return read_yaml_list(path, self.label(path), log, required=required)

    def actors(self, log: ProblemLog) -> dict[str, Actor]:
        """The actor registry (problems to ``log``)."""
        return parse_actors(self.read_list(self.actors_path, log), self.label(self.actors_path), log)

    def reports(self, log: ProblemLog, *, required: bool = True) -> dict[str, Report]:
        """The report registry (problems to ``log``)."""
        raw = self.read_list(self.reports_path, log, required=required)
        return parse_reports(raw, self.label(self.reports_path), log)

    def report_entries(self) -> list[dict[str, Any]]:
        """The report registry's raw entries (an absent or broken file reads as empty)."""
        raw = self.read_list(self.reports_path, ProblemLog(), required=False)
        return [e for e in raw if isinstance(e, dict)]

    def record_entries(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Every raw record of the event files with its file (broken files read as empty)."""
        log = ProblemLog()
        for path in self.event_files():
            for raw in self.read_list(path, log):
                if isinstance(raw, dict):
                    yield path, raw

    # --- writing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's write lock (an exclusive ``flock``, across threads and processes).

        Whoever rewrites shared files (the review queue, accepted records) holds it from reading to
        replacing, so concurrent writers are applied one after the other.  Not re-entrant.
        """
        path = self.lock_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the data folder's lock: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks (GIL released) while another writer works
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def commit(self, changes: Mapping[str | Path, str]) -> None:
        """Replace files (path relative to the folder, or absolute → new text) atomically, in order.

        Text is written as given (no newline translation: stored report texts keep their bytes).

        Each file is replaced whole; several cannot be replaced as one, so callers order ``changes``
        so that a failure part-way leaves a state a retry repairs (the record of a decision last).
        """
        with staged() as st:
            for rel, text in changes.items():
                target = self.root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(st.temp_for(target), "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
