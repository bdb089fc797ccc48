"""The imported place sources in the user's local folder: one JSON file per source.

Imports add, never replace: each ``import-places`` or ``import-geonames`` writes its own file
(re-importing under the same source name updates that source only). The loader merges them
with the curated data; ``python -m gazetteer sources`` lists them, ``remove-source`` deletes one.
A place row is a dict: id, name, aliases, type, lat, lon, uncertainty_m, governorate, admin1,
admin2, admin3, population, status.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import _files, settings
from .errors import SourceFileError

#: Version of the source file layout; a file of another version is refused, not misread.
FORMAT = 1
#: Source kinds, in the order their entries win a merge (a hand-made file before GeoNames).
KINDS = ("places", "geonames")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What ``sources`` prints about one imported source."""

    name: str
    licence: str
    kind: str
    file: str
    imported_at: str
    count: int
    path: Path


def sources_dir() -> Path:
    return settings.local_dir() / "sources"


def slug(name: str) -> str:
    """File-name form of a source name: "OSM Syria (HOT)" -> "osm-syria-hot"."""
    text = re.sub(r"[^0-9a-z]+", "-", name.casefold()).strip("-")
    return text or "source"


def save(name: str, *, licence: str, kind: str, file: str, places: list[dict[str, Any]],
         extra: dict[str, Any] | None = None) -> Path:
    """Write one source atomically (a failed import leaves the previous version in place)."""
    if kind not in KINDS:
        raise ValueError(f"unknown source kind {kind!r}")
    path = sources_dir() / f"{slug(name)}.json"
    doc = {"format": FORMAT, "name": name, "licence": licence, "kind": kind, "file": file,
           "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "count": len(places),
           **(extra or {}), "places": places}
    with _files.atomic_writer(path) as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
    return path


def paths() -> list[Path]:
    folder = sources_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def read(path: Path) -> dict[str, Any]:
    """One source file, checked for its format version."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceFileError(f"{path}: imported source cannot be read: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SourceFileError(f"{path}: not an imported source of format {FORMAT}; import it again")
    return doc


def read_all() -> list[dict[str, Any]]:
    """Every imported source, in merge order: kind first, then oldest import first."""
    docs = [read(p) for p in paths()]
    return sorted(docs, key=lambda d: (KINDS.index(d.get("kind", "places")), d.get("imported_at", "")))


def list_sources() -> list[SourceInfo]:
    out = []
    for p in paths():
        d = read(p)
        out.append(SourceInfo(d["name"], d.get("licence", ""), d.get("kind", "places"), d.get("file", ""),
                              d.get("imported_at", ""), int(d.get("count", len(d.get("places", ())))), p))
    return out


def remove(name: str) -> SourceInfo:
    """Delete the source called ``name`` (or whose file slug is ``name``)."""
    found = [s for s in list_sources() if s.name.casefold() == name.casefold() or s.path.stem == slug(name)]
    if not found:
        known = ", ".join(repr(s.name) for s in list_sources()) or "none"
        raise SourceFileError(f"no imported source named {name!r} (imported: {known})")
    found[0].path.unlink()
    return found[0]
