"""Record filters shared by the dashboard's slider, the exporters and the render CLI.

Every filter is a boolean numpy/pandas mask over whole columns (no per-row Python), so the
dashboard can re-filter 100k rows on every slider move.

Time rule
---------
A record is shown in a window ``[start, end]`` (inclusive days) when its own interval meets the
window (a bound given as ``YYYY-MM`` or ``YYYY`` covers that whole month or year: ``end="2020-01"``
is 31 January, not 1 January).  A record's interval is ``[date_start, date_end]`` except for
facilities, which persist: from the earliest of ``date_start``/``first_reported`` until the latest of
``date_end``/``last_reported`` — and with no end at all while their ``status`` is ``active``
(a base reported active stays on the map until a report says it closed; its ``last_reported``
date tells the reader how stale that is).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from geo.core.checks import parse_date
from geo.core.frame import ID_SEP
from geo.errors import FilterError
from geo.core.model import KIND_LAYERS, LAYER_KINDS

DateLike = date | datetime | pd.Timestamp | str | None
#: ``corroboration`` filter values: every record, only those another source also reports, only the others.
CORROBORATION_CHOICES: tuple[str, ...] = ("all", "corroborated", "uncorroborated")


def _timestamp(value: DateLike, name: str, *, last: bool = False) -> pd.Timestamp | None:
    """``value`` as a day; a ``YYYY-MM``/``YYYY`` string is its first day, or its last when ``last``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            first_day, last_day, _ = parse_date(value)
        except ValueError:
            pass  # not YYYY[-MM[-DD]]: let pandas try the other spellings it knows
        else:
            return pd.Timestamp(last_day if last else first_day)
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise FilterError(f"{name}: not a date: {value!r}") from exc
    if pd.isna(ts):
        return None
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


def as_day(value: DateLike, name: str = "date", *, last: bool = False) -> date | None:
    """The one reading of a user's date (``YYYY-MM-DD``/``YYYY-MM``/``YYYY``, a date, a timestamp):
    its first day, or its last when ``last``; ``None`` when not given.  Raises :class:`FilterError`."""
    ts = _timestamp(value, name, last=last)
    return None if ts is None else ts.date()


def _as_set(values: str | Iterable[Any] | None, *, split: bool = True) -> list[str] | None:
    """A list of non-empty strings; a string is comma-split when ``split`` (ids never hold commas)."""
    if values is None:
        return None
    if isinstance(values, str):
        values = values.split(",") if split else [values]
    out = [str(v).strip() for v in values if str(v).strip()]
    return out


def visibility_window(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's ``(shown_from, shown_until)``; ``NaT`` until means open-ended (see module doc)."""
    start, end = frame["date_start"], frame["date_end"]
    facility = (frame["kind"] == "facility").to_numpy()
    first = frame["first_reported"].where(frame["first_reported"].notna(), start)
    last = frame["last_reported"].where(frame["last_reported"].notna(), end)
    shown_from = start.where(~facility, np.minimum(start, first))
    shown_until = end.where(~facility, np.maximum(end, last))
    active = facility & (frame["status"] == "active").to_numpy()
    shown_until = shown_until.where(~active, pd.NaT)
    return shown_from, shown_until


def time_mask(frame: pd.DataFrame, start: DateLike = None, end: DateLike = None) -> np.ndarray:
    """Rows whose interval meets ``[start, end]`` (either bound may be open)."""
    lo, hi = _timestamp(start, "start"), _timestamp(end, "end", last=True)
    if lo is not None and hi is not None and hi < lo:
        raise FilterError(f"end {hi.date()} is before start {lo.date()}")
    mask = np.ones(len(frame), dtype=bool)
    if lo is None and hi is None:
        return mask
    shown_from, shown_until = visibility_window(frame)
    if hi is not None:
        mask &= (shown_from <= hi).to_numpy()
    if lo is not None:
        mask &= ((shown_until >= lo) | shown_until.isna()).to_numpy()
    return mask


def _any_token(joined: pd.Series, tokens: list[str], sep: str, *, case: bool = True) -> np.ndarray:
    """Rows whose ``sep``-joined list contains any of ``tokens`` (one regex over the column)."""
    alternatives = "|".join(re.escape(t) for t in tokens)
    pattern = rf"(?:^|{re.escape(sep)})\s*(?:{alternatives})\s*(?:{re.escape(sep)}|$)"
    return joined.str.contains(pattern, regex=True, case=case, na=False).to_numpy(dtype=bool)


def present_values(frame: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """Actor ids, kinds (in model order) and source outlets that occur in ``frame``: the choices
    a filter can offer without leading to an empty view."""
    actors = sorted(str(a) for a in frame["actors"].explode().dropna().unique())
    present = set(frame["kind"].unique())
    kinds = [k for k in KIND_LAYERS if k in present]
    outlets = sorted({o.strip() for v in frame["source_outlet"].dropna().unique() for o in str(v).split(";")
                      if o.strip()})
    return actors, kinds, outlets


def filter_records(
    frame: pd.DataFrame,
    *,
    start: DateLike = None,
    end: DateLike = None,
    actors: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    outlets: str | Iterable[str] | None = None,
    min_confidence: float | None = None,
    max_geo_precision: int | None = None,
    corroboration: str | None = None,
) -> pd.DataFrame:
    """The rows of ``frame`` passing every given filter (original index kept; ``None`` = no filter).

    ``actors``: any of these actor ids takes part.  ``kinds``: record kinds or layer names.
    ``outlets``: any source outlet matches (case-insensitive).  ``max_geo_precision``: ACLED code
    at most this (1 keeps only exact places).  ``actors``/``kinds`` strings may be comma-separated.
    ``corroboration``: one of :data:`CORROBORATION_CHOICES` (``None`` = ``"all"``).
    """
    mask = time_mask(frame, start, end)
    kind_list = _as_set(kinds)
    if kind_list is not None:
        unknown = [k for k in kind_list if k not in KIND_LAYERS and k not in LAYER_KINDS]
        if unknown:
            raise FilterError(f"unknown kind {', '.join(map(repr, unknown))} "
                              f"(expected one of {', '.join(KIND_LAYERS)})")
        wanted = {LAYER_KINDS.get(k, k) for k in kind_list}
        mask &= frame["kind"].isin(wanted).to_numpy()
    actor_list = _as_set(actors)
    if actor_list is not None:
        mask &= _any_token(frame["actors_str"], actor_list, ID_SEP) if actor_list else False
    outlet_list = _as_set(outlets, split=False)
    if outlet_list is not None:
        mask &= _any_token(frame["source_outlet"], outlet_list, ";", case=False) if outlet_list else False
    if min_confidence is not None:
        mask &= (frame["confidence"] >= float(min_confidence)).to_numpy(dtype=bool, na_value=False)
    if max_geo_precision is not None:
        mask &= (frame["geo_precision"] <= int(max_geo_precision)).to_numpy(dtype=bool, na_value=False)
    if corroboration not in (None, "all"):
        if corroboration not in CORROBORATION_CHOICES:
            raise FilterError(f"unknown corroboration filter {corroboration!r} "
                              f"(expected one of {', '.join(CORROBORATION_CHOICES)})")
        linked = frame["corroborated"].fillna(False).to_numpy(dtype=bool)
        mask &= linked if corroboration == "corroborated" else ~linked
    return frame[mask]
