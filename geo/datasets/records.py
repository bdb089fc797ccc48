"""Writing imported rows as an event file and their provenance as a report entry.

The event file is YAML whose entries are one flow mapping per line (JSON syntax, which YAML reads):
pandas serialises the whole table at once, so 200,000 records are written in about a second, and
the file stays diffable line by line.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import yaml

#: Characters YAML refuses in a document (C1 controls, surrogates, non-characters) and the ones it
#: reads as line breaks; both are replaced by a space in text cells.
_NOT_YAML = r"[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"

#: Scalar record fields, in the order they are written.
SCALAR_FIELDS: tuple[str, ...] = (
    "id", "kind", "subtype", "title", "summary", "place_text", "geo_precision", "where_prec", "uncertainty_m",
    "date_start", "date_end", "date_precision", "fatalities", "confidence", "notes",
)


def json_cells(values: pd.Series) -> pd.Series:
    """Each value as JSON text (``null`` when missing), serialised in one pass."""
    text = values.rename("v").to_frame().to_json(orient="records", lines=True, force_ascii=False)
    cells = text.split("\n")[: len(values)]
    return (pd.Series(cells, index=values.index, dtype="str").str.replace("\\/", "/", regex=False)
            .str.slice(len('{"v":'), -1))


def event_file_text(records: pd.DataFrame, *, report_id: str, header: str) -> str:
    """The event file: ``header`` as comments, then one line per record."""
    scalars = records[list(SCALAR_FIELDS)].copy()
    for name in ("date_start", "date_end"):
        scalars[name] = scalars[name].dt.strftime("%Y-%m-%d")
    lines = scalars.to_json(orient="records", lines=True, force_ascii=False).split("\n")[: len(scalars)]
    # pandas escapes "/" as "\/" (legal, but noisy in URLs and ACLED's "Air/drone strike").
    body = pd.Series(lines, index=records.index, dtype="str").str.replace("\\/", "/", regex=False).str.slice(0, -1)
    lon = records["longitude"].round(6).astype("str")
    lat = records["latitude"].round(6).astype("str")
    report = re.sub(r"[^a-z0-9_-]", "", report_id)
    nested = (', "actors": ["' + records["actor_ids"].astype("str").str.replace(";", '", "', regex=False) + '"]'
              + ', "geometry": {"type": "Point", "coordinates": [' + lon + ", " + lat + "]}"
              + ', "sources": [{"report": "' + report + '", "event": ' + json_cells(records["event"]) + "}]}")
    entries = "- " + body + nested
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    text = "\n".join(entries.tolist()) + "\n" if len(entries) else "[]\n"
    # One pass over the whole text: these characters never occur in the JSON syntax itself.
    return comments + "\n" + re.sub(_NOT_YAML, " ", text)


def report_entry_text(entry: dict[str, Any]) -> str:
    """One report entry as the registry writes it (a YAML list of one mapping)."""
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=110)


def upsert_report(registry_text: str, report_id: str, entry_text: str) -> str:
    """``registry_text`` with the entry ``report_id`` replaced by ``entry_text`` (appended if new).

    The rest of the file (comments, other entries) is kept byte for byte.
    """
    lines = registry_text.splitlines(keepends=True)
    head = re.compile(rf"^- id: ['\"]?{re.escape(report_id)}['\"]?\s*$")
    start = next((i for i, line in enumerate(lines) if head.match(line)), None)
    if start is None:
        sep = "" if not registry_text or registry_text.endswith("\n\n") else (
            "\n" if registry_text.endswith("\n") else "\n\n")
        return registry_text + sep + entry_text
    end = start + 1
    while end < len(lines) and not re.match(r"^(- |#|\S)", lines[end]):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # keep the blank lines that separate entries
        end -= 1
    return "".join(lines[:start]) + entry_text + "".join(lines[end:])


def record_ids(prefix: str, events: pd.Series) -> pd.Series:
    """Our record id of each dataset event: ``<prefix>-<event id in lower case>`` (``acled-syr12345``)."""
    slug = (events.astype("str").str.casefold().str.replace(r"[^a-z0-9]+", "-", regex=True)
            .str.strip("-"))
    return (prefix + "-" + slug).where(slug.str.len() > 0)


def numbered(index: pd.Index) -> np.ndarray:
    """File row numbers (1 = the first row after the header) of a frame read with a RangeIndex."""
    return np.asarray(index) + 1
