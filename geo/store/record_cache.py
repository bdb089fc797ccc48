"""Validated records of each event file, kept between loads so a start does not redo them.

Parsing YAML, resolving places, validating and building frame rows take most of a load.  An event file's records depend
only on its bytes and on what they are checked against: the registries, the report texts, the
gazetteer's version, the record code (``geo/core``) and today's date (for "in the future").  So each file's records are pickled
under ``<data>/local/cache/records/`` keyed by a hash of all of that; a load reuses the files that
did not change (records and their frame rows) and validates only the ones that did.  Files with problems are never cached (their
problems must be listed every time), and a gazetteer without a ``version`` disables the cache.
"""
from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from geo.core.model import Record
from geo.store.atomic import write_bytes_atomic
from geo.store.folder import DataFolder

#: Bump when Record's layout changes in a way the code fingerprint would not see.
FORMAT = 2  # 2: records and their frame rows
_SUFFIX = ".records.pickle"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that turns a file into records (the record model, validation, places):
    a change to it (a new field, a new rule) must not be answered with records built before it."""
    import geo.core

    digest = hashlib.sha256()
    for path in sorted(Path(geo.core.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RecordCache:
    """The cache of one data folder for one checking context (``context`` is its hash)."""

    directory: Path
    context: str

    @classmethod
    def for_load(cls, folder: DataFolder, *, gazetteer_version: str | None, registries: Iterable[Path],
                 texts: Mapping[str, str], today: date) -> RecordCache | None:
        """The cache for this load, or ``None`` when the gazetteer cannot say which version it is."""
        if not gazetteer_version:
            return None
        digest = hashlib.sha256(f"{FORMAT}\0{code_version()}\0{gazetteer_version}\0{today.isoformat()}".encode())
        for path in registries:
            digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
        for rid in sorted(texts):
            digest.update(rid.encode() + b"\0" + hashlib.sha256(texts[rid].encode()).digest())
        return cls(folder.cache_dir / "records", digest.hexdigest()[:32])

    def path_for(self, file_bytes: bytes) -> Path:
        """Where the records of a file with these bytes are kept."""
        key = hashlib.sha256(self.context.encode() + b"\0" + file_bytes).hexdigest()[:40]
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, file_bytes: bytes) -> tuple[list[Record], gpd.GeoDataFrame] | None:
        """The records validated earlier from exactly these bytes in this context, with their frame
        rows, if kept."""
        path = self.path_for(file_bytes)
        try:
            records = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # damaged or from another version: validate again, never trust it
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        ok = isinstance(records, tuple) and len(records) == 2 and isinstance(records[0], list)
        return records if ok else None

    def put(self, file_bytes: bytes, records: list[Record], rows: gpd.GeoDataFrame) -> Path:
        """Keep a problem-free file's ``records`` and frame ``rows`` for the next load; a read-only
        folder just skips it."""
        path = self.path_for(file_bytes)
        with contextlib.suppress(OSError):
            write_bytes_atomic(path, pickle.dumps((records, rows), protocol=pickle.HIGHEST_PROTOCOL))
        return path

    def prune(self, keep: Iterable[Path]) -> None:
        """Remove entries this load did not use (old versions of changed files, old contexts)."""
        kept = {p.name for p in keep}
        for path in self.directory.glob(f"*{_SUFFIX}"):
            if path.name not in kept:
                with contextlib.suppress(OSError):
                    path.unlink()
