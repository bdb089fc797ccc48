"""Parsing whole text columns into typed ones, and collecting the rows that do not parse.

A bad cell is never turned into a silent NaN: each parser returns the values and a mask of the
rows it could not read, and :class:`RowChecks` keeps (mask, column, message) until the end, when
the rows are listed by number.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.datasets.errors import RowProblem

#: Date spellings seen in exports, tried in order on the cells still unread (ISO first: the API and
#: GED; then ACLED's website exports ``04 March 2017``, ``04-03-2017`` and ``04/03/2017``).
DATE_FORMATS: tuple[str, ...] = ("ISO8601", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%m-%Y", "%d/%m/%Y")


class RowChecks:
    """Bad rows found so far: each check is a boolean mask over the rows with its column and message."""

    def __init__(self, index: pd.Index):
        self.index = index
        self._checks: list[tuple[np.ndarray, str, str | pd.Series]] = []

    def add(self, bad: np.ndarray | pd.Series, column: str, message: str | pd.Series) -> None:
        """Flag the rows of ``bad``; ``message`` may be one text or a per-row Series."""
        mask = np.asarray(bad, dtype=bool)
        if mask.any():
            self._checks.append((mask, column, message))

    @property
    def mask(self) -> np.ndarray:
        """Rows with at least one problem."""
        out = np.zeros(len(self.index), dtype=bool)
        for mask, _, _ in self._checks:
            out |= mask
        return out

    def problems(self, row_numbers: Iterable[int]) -> list[RowProblem]:
        """Every problem, ordered by row (``row_numbers`` maps positions to the file's row numbers)."""
        numbers = np.asarray(list(row_numbers))
        out = []
        for mask, column, message in self._checks:
            where = np.flatnonzero(mask)
            texts = (message.to_numpy(dtype=object)[where] if isinstance(message, pd.Series)
                     else [message] * len(where))
            out.extend(RowProblem(int(numbers[i]), column, str(t)) for i, t in zip(where, texts))
        return sorted(out, key=lambda p: (p.row, p.column))


def shown(values: pd.Series) -> pd.Series:
    """Cells quoted for a message (``empty`` for a missing one)."""
    return ("'" + values.astype("str") + "'").fillna("empty")


def numbers(values: pd.Series, column: str, checks: RowChecks, *, required: bool = True,
            lo: float | None = None, hi: float | None = None) -> pd.Series:
    """Floats; unreadable, missing (when required) or out-of-range cells are flagged."""
    out = pd.to_numeric(values, errors="coerce").astype("float64")
    unreadable = out.isna() & values.notna()
    checks.add(unreadable, column, "not a number: " + shown(values))
    if required:
        checks.add(values.isna(), column, "is empty")
    if lo is not None and hi is not None:
        checks.add(out.notna() & ~out.between(lo, hi), column, f"out of range [{lo:g}, {hi:g}]: " + shown(values))
    return out


def codes(values: pd.Series, column: str, allowed: Iterable[int], checks: RowChecks, *,
          required: bool = True) -> pd.Series:
    """Whole-number codes from ``allowed`` (``Int64``); anything else is flagged."""
    allowed = sorted(allowed)
    as_float = pd.to_numeric(values, errors="coerce")
    good = as_float.isin(allowed)
    checks.add(values.notna() & ~good, column,
               f"expected one of {', '.join(map(str, allowed))}, found " + shown(values))
    if required:
        checks.add(values.isna(), column, "is empty")
    return as_float.where(good).astype("Int64")


def counts(values: pd.Series, column: str, checks: RowChecks) -> pd.Series:
    """Non-negative whole numbers (``Int64``, missing stays missing); anything else is flagged."""
    as_float = pd.to_numeric(values, errors="coerce")
    good = as_float.notna() & (as_float >= 0) & (as_float == np.floor(as_float))
    checks.add(values.notna() & ~good, column, "not a count (a whole number >= 0): " + shown(values))
    return as_float.where(good).astype("Int64")


def dates(values: pd.Series, column: str, checks: RowChecks) -> pd.Series:
    """Days (``datetime64``, time of day dropped) from any of :data:`DATE_FORMATS`; others flagged."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = out.isna() & values.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
    checks.add(values.isna(), column, "is empty")
    checks.add(out.isna() & values.notna(), column, "not a date: " + shown(values))
    return out.dt.normalize()
