"""Records as the data files write them: a candidate turned into a record, ids, YAML text surgery.

Accepted records are appended to, and merged records replaced inside, hand-edited YAML files, so
the text around them (comments, formatting, other records) is kept exactly as it was.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from geo.core.model import EDITABLE_FIELDS
from geo.review.queue import DUMP_OPTIONS, ReviewError
from geo.store.folder import DataFolder
from geo.store.yamlio import StrictLoader



def record_from_candidate(entry: Mapping[str, Any], edits: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record a candidate becomes: its record fields, the analyst's edits, a real status."""
    edits = dict(edits or {})
    unknown = [k for k in edits if k not in EDITABLE_FIELDS]
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(map(repr, unknown))} (editable: {', '.join(EDITABLE_FIELDS)})")
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


def existing_record_ids(folder: DataFolder) -> set[str]:
    """Ids of every record in the data folder's event files (read raw: broken records count too)."""
    return {raw["id"] for _, raw in folder.record_entries() if isinstance(raw.get("id"), str)}


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


def dump_records(records: list[dict[str, Any]]) -> str:
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
    return yaml.dump(out, Dumper=_RecordDumper, **DUMP_OPTIONS)


def append_records(path: Path, records: list[dict[str, Any]], header: str = "", *, comment: str = "") -> str:
    """``path``'s text with ``records`` appended after ``comment`` (what is there kept as written)."""
    text = path.read_text(encoding="utf-8") if path.exists() else header
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and not text.endswith("\n\n"):
        text += "\n"
    return text + comment + dump_records(records)


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


def find_record(folder: DataFolder, record_id: str) -> tuple[Path, dict[str, Any]]:
    """The event file holding ``record_id`` and the record as written there."""
    for path in folder.event_files():
        _, blocks = _blocks(path.read_text(encoding="utf-8"))
        for block in blocks:
            if re.search(rf"(?m)^(?:- |  )id:\s*['\"]?{re.escape(record_id)}['\"]?\s*$", block):
                items = yaml.load(block, Loader=StrictLoader)  # noqa: S506
                if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("id") == record_id:
                    return path, items[0]
    raise ReviewError(f"no record {record_id!r} in {folder.events_dir}")


def replace_record(text: str, record_id: str, record: dict[str, Any]) -> str:
    header, blocks = _blocks(text)
    out = [header]
    for block in blocks:
        body, trailer = _split_trailer(block)
        items = yaml.load(body, Loader=StrictLoader)  # noqa: S506
        if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("id") == record_id:
            body = dump_records([record])
        out.append(body + trailer)
    return "".join(out)
