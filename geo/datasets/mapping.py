"""The shared mapping of other datasets' codes onto ours: precision, dates, event types, actors.

Each table is documented once, here (precision, dates) or in ``data/event_types.yaml`` (kinds),
and applied to whole columns.  The rule throughout: never claim more than the dataset does.  A
location the dataset knows only to a region becomes a footprint of that size (an uncertainty
radius around its coordinates), never a pin; a date known only to the week or month becomes the
whole range.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.core.model import KINDS, Actor
from geo.datasets.errors import EventImportError


@dataclass(frozen=True)
class Footprint:
    """How a dataset's location code is drawn: a radius (m) around its coordinates, and its meaning."""

    radius_m: float
    meaning: str


#: ACLED ``geo_precision`` → footprint.  1 is the named place itself (a pin: within the 2 km pin
#: limit); 2 "near" it (a 25 km circle, UCDP's "within 25 km"); 3 only a larger region of about a
#: governorate's size is known (a 75 km circle: Syria's governorates other than Damascus city have
#: equivalent radii of roughly 40 to 115 km).
ACLED_GEO_PRECISION: dict[int, Footprint] = {
    1: Footprint(2_000.0, "the named town or village itself (pin)"),
    2: Footprint(25_000.0, "near the named place, or part of the area around it (25 km circle)"),
    3: Footprint(75_000.0, "only a larger region is known (75 km circle, about a governorate)"),
}

#: UCDP GED ``where_prec`` → footprint, larger as the code grows.  6 (country) and 7 (unclear or
#: across borders) are drawn as Syria's outline by the validator (codes >= 6 are never points).
GED_WHERE_PREC: dict[int, Footprint] = {
    1: Footprint(2_000.0, "the exact location (pin)"),
    2: Footprint(25_000.0, "within about 25 km of the coordinates (25 km circle)"),
    3: Footprint(40_000.0, "a district (second-order unit) only (40 km circle)"),
    4: Footprint(100_000.0, "a governorate (first-order unit) only (100 km circle)"),
    5: Footprint(150_000.0, "part of the country or a named area, not an admin unit (150 km circle)"),
    6: Footprint(250_000.0, "the country only (drawn as Syria's outline)"),
    7: Footprint(250_000.0, "unclear, at sea or across borders (drawn as Syria's outline)"),
}

#: ACLED ``time_precision`` → our ``date_precision`` and the range drawn around ``event_date``.
#: 1: that day.  2: a week: ACLED codes such events at a day inside the reported week, so the
#: 7 days centred on it.  3: a month: the whole calendar month of ``event_date``.
ACLED_TIME_PRECISION: dict[int, str] = {1: "day", 2: "week", 3: "month"}
#: UCDP GED ``date_prec`` → the coarsest ``date_precision`` it allows.  The range itself is GED's own
#: ``date_start``/``date_end`` (the earliest and latest possible day); the finer of the two wins
#: only if the range supports it, so the precision is never finer than the range.
GED_DATE_PREC: dict[int, str] = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
_PRECISION_ORDER = ("day", "week", "month", "year")


def footprints(codes: pd.Series, table: dict[int, Footprint]) -> pd.Series:
    """Uncertainty radius (m) per row for a column of precision codes (NaN where the code is unknown)."""
    return codes.map({k: v.radius_m for k, v in table.items()}).astype("float64")


def range_precision(start: pd.Series, end: pd.Series) -> pd.Series:
    """The finest ``date_precision`` a range supports (the validator's rule, on whole columns)."""
    days = (end - start).dt.days.to_numpy() + 1
    return pd.Series(np.select([days <= 1, days <= 7, days <= 31], ["day", "week", "month"], "year"),
                     index=start.index, dtype="str")


def coarser(a: pd.Series, b: pd.Series) -> pd.Series:
    """Row-wise coarser of two ``date_precision`` columns (missing values lose)."""
    rank = {p: i for i, p in enumerate(_PRECISION_ORDER)}
    ra, rb = a.map(rank).fillna(-1).to_numpy(), b.map(rank).fillna(-1).to_numpy()
    names = np.array(_PRECISION_ORDER, dtype=object)
    return pd.Series(names[np.maximum(ra, rb).astype(int)], index=a.index, dtype="str")


# --- event types -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventTypes:
    """The ``data/event_types.yaml`` table: one frame per dataset."""

    acled: pd.DataFrame  # event_type, sub_event_type, kind, subtype (keys casefolded)
    ged: pd.DataFrame  # type_of_violence, kind, subtype, label
    path: Path


def _key(values: pd.Series) -> pd.Series:
    return values.astype("str").str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()


def load_event_types(path: Path) -> EventTypes:
    """Read and check the table (every problem names the file, entry and field)."""
    from gazetteer.yamlio import load

    try:
        raw = load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EventImportError(f"{path}: the event-type table is missing") from exc
    except Exception as exc:  # YAML errors carry their own position
        raise EventImportError(f"{path}: unreadable event-type table: {exc}") from exc
    if not isinstance(raw, dict):
        raise EventImportError(f"{path}: expected a mapping with 'acled' and 'ged' lists")
    frames = {}
    for dataset, keys in (("acled", ("event_type", "sub_event_type")), ("ged", ("type_of_violence",))):
        entries = raw.get(dataset)
        if not isinstance(entries, list) or not entries:
            raise EventImportError(f"{path}: {dataset}: expected a list of mappings")
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or any(entry.get(k) is None for k in keys) or "kind" not in entry:
                raise EventImportError(f"{path}: {dataset} entry {i}: needs {', '.join(keys)} and kind")
            if entry["kind"] is not None and entry["kind"] not in KINDS:
                raise EventImportError(f"{path}: {dataset} entry {i}: kind: unknown kind {entry['kind']!r} "
                                       f"(expected one of {', '.join(KINDS)} or null)")
            if entry["kind"] is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", str(entry.get("subtype", ""))):
                raise EventImportError(f"{path}: {dataset} entry {i}: subtype: not a snake_case word")
        frame = pd.DataFrame(entries)
        if dataset == "acled":
            frame["event_type"], frame["sub_event_type"] = _key(frame["event_type"]), _key(frame["sub_event_type"])
        else:
            frame["type_of_violence"] = frame["type_of_violence"].astype("str")
        frames[dataset] = frame
    return EventTypes(frames["acled"], frames["ged"], path)


def acled_kinds(table: EventTypes, event_type: pd.Series, sub_event_type: pd.Series) -> pd.DataFrame:
    """``kind``, ``subtype`` and ``known`` (the event type is in the table) per row.

    An unlisted sub-type of a listed event type takes the event type's ``'*'`` row.
    """
    rows = pd.DataFrame({"event_type": _key(event_type), "sub_event_type": _key(sub_event_type)},
                        index=event_type.index)
    exact = table.acled[table.acled["sub_event_type"] != "*"]
    fallback = table.acled[table.acled["sub_event_type"] == "*"].drop(columns="sub_event_type")
    cols = ["kind", "subtype"]
    found = rows.merge(exact[["event_type", "sub_event_type", *cols]], how="left",
                       on=["event_type", "sub_event_type"], indicator="exact")
    general = rows[["event_type"]].merge(fallback[["event_type", *cols]], how="left", on="event_type",
                                         indicator="general")
    use_exact = (found["exact"] == "both").to_numpy()
    out = pd.DataFrame(index=event_type.index)
    for col in cols:
        out[col] = np.where(use_exact, found[col].to_numpy(dtype=object), general[col].to_numpy(dtype=object))
    out["known"] = use_exact | (general["general"] == "both").to_numpy()
    return out


def ged_kinds(table: EventTypes, type_of_violence: pd.Series) -> pd.DataFrame:
    """``kind``, ``subtype``, ``label`` and ``known`` per row of a GED ``type_of_violence`` column."""
    codes = pd.to_numeric(type_of_violence, errors="coerce").astype("Int64").astype("str")
    ged = table.ged.copy()
    if "label" not in ged.columns:
        ged["label"] = None
    found = pd.DataFrame({"type_of_violence": codes}).merge(
        ged[["type_of_violence", "kind", "subtype", "label"]], how="left", on="type_of_violence", indicator="m")
    found.index = type_of_violence.index
    found["known"] = found.pop("m") == "both"
    return found.drop(columns="type_of_violence")


# --- actors ------------------------------------------------------------------------------------

_PARENS = r"\([^)]*\)"
_PUNCT = r"[\-‐‑–—'’`.,]"


def normalise_names(names: pd.Series) -> pd.Series:
    """Actor names as matched: case-folded, without parenthesised qualifiers such as ``(2000-)`` or
    ``(Syria)``, punctuation as spaces, single spaces (``Hayat Tahrir al-Sham`` = ``... al Sham``)."""
    return (names.astype("str").str.casefold().str.replace(_PARENS, " ", regex=True)
            .str.replace(_PUNCT, " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip())


def alias_table(actors: dict[str, Actor]) -> dict[str, str]:
    """Normalised name/alias → actor id (a name shared by two actors matches neither)."""
    pairs = [(name, a.id) for a in actors.values() for name in (a.name, *a.aliases, a.id)]
    keys = normalise_names(pd.Series([p[0] for p in pairs], dtype="str"))
    table: dict[str, str] = {}
    clashes: set[str] = set()
    for key, ident in zip(keys, (p[1] for p in pairs)):
        if key in table and table[key] != ident:
            clashes.add(key)
        table.setdefault(key, ident)
    return {k: v for k, v in table.items() if k not in clashes and k}


def match_actors(names: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Actor id per name (``<NA>`` when unknown), trying the whole name, then each side of a colon
    (ACLED writes ``HTS: Hayat Tahrir al Sham``)."""
    whole = normalise_names(names).map(aliases)
    parts = names.astype("str").str.split(":", n=1, regex=False)
    for part in (parts.str[0], parts.str[1]):
        whole = whole.fillna(normalise_names(part).map(aliases))
    return whole.astype("str")


def _joined(parts: list[pd.Series], sep: str) -> pd.Series:
    """Row-wise join of the non-missing cells of ``parts`` (``<NA>`` when all are missing)."""
    out = pd.Series("", index=parts[0].index, dtype="str")
    for part in parts:
        out = out + (sep + part).fillna("")
    return out.str.slice(len(sep)).replace("", None)


def _first_seen(parts: list[pd.Series]) -> list[pd.Series]:
    """``parts`` with each value blanked where an earlier part of the same row already holds it."""
    out = []
    for j, part in enumerate(parts):
        repeat = np.zeros(len(part), dtype=bool)
        for earlier in parts[:j]:
            repeat |= (part == earlier).fillna(False).to_numpy(dtype=bool)
        out.append(part.mask(repeat))
    return out


def actor_columns(names: pd.DataFrame, aliases: dict[str, str], fallback: str | None) -> dict[str, Any]:
    """Registry ids and the dataset's own names per row, from a frame of actor-name columns.

    ``names`` has one text column per actor slot (cells may list several names separated by
    ``;``).  Returns ``ids`` (``;``-joined registry ids, ``fallback`` where none matched),
    ``given`` (``; ``-joined names as the dataset writes them), ``unknown`` (``; ``-joined names
    matching no registry actor), ``unmatched`` (a Series: unknown name → row count) and
    ``no_actor`` (rows where nothing matched).  Names are matched once per distinct name, and rows
    are assembled slot by slot, so the cost does not grow with a per-row Python loop.
    """
    slots: list[pd.Series] = []
    for column in names.columns:
        split = names[column].astype("str").str.split(";", expand=True)
        slots.extend(split[c].astype("str").str.strip().replace("", None) for c in split.columns)
    if not slots:
        slots = [pd.Series(pd.NA, index=names.index, dtype="str")]
    slots = _first_seen(slots)
    distinct = pd.Series(pd.unique(pd.concat(slots).dropna()), dtype="str")
    lookup = dict(zip(distinct, match_actors(distinct, aliases)))
    ids = _first_seen([s.map(lookup).astype("str") for s in slots])
    unknown = [s.where(i.isna() & s.notna()) for s, i in zip(slots, ids)]
    joined_ids = _joined(ids, ";")
    no_actor = joined_ids.isna().to_numpy()
    unmatched = pd.concat(unknown).dropna().value_counts()
    return {
        "ids": joined_ids if fallback is None else joined_ids.fillna(fallback),
        "given": _joined(slots, "; "),
        "unknown": _joined(unknown, "; "),
        "unmatched": unmatched,
        "no_actor": no_actor,
    }
