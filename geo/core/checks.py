"""Small field checkers shared by the registry and record validators.

Each returns the cleaned value or raises ``ValueError`` with a message meant for a data author;
callers turn that into a :class:`~geo.errors.Problem` and keep going.
"""
from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when something close exists, else ``""``."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def text(value: Any, *, required: bool = False) -> str | None:
    """A non-empty string (stripped) or None."""
    if value is None:
        if required:
            raise ValueError("is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected text, found {type(value).__name__}")
    out = str(value).strip()
    if not out:
        if required:
            raise ValueError("is required (empty)")
        return None
    return out


def number(value: Any, *, lo: float | None = None, hi: float | None = None) -> float:
    """A real number within [lo, hi] (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, found {value!r}")
    out = float(value)
    if out != out:
        raise ValueError("is not a number (NaN)")
    if (lo is not None and out < lo) or (hi is not None and out > hi):
        raise ValueError(f"{value!r} is out of range [{lo:g}, {hi:g}]" if lo is not None and hi is not None
                         else f"{value!r} is out of range")
    return out


def integer(value: Any, lo: int, hi: int) -> int:
    """An integer within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number {lo}-{hi}, found {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{value} is out of range {lo}-{hi}")
    return value


def parse_date(value: Any) -> tuple[date, date, str]:
    """``(first day, last day, granularity)`` of ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    Granularity is ``day``, ``month`` or ``year``: a month-only date covers the whole month.
    """
    if isinstance(value, date):
        return value, value, "day"
    raw = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    match = _DATE_RE.match(raw) if raw else None
    if match is None:
        raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day is not None:
            d = date(year, int(month), int(day))
            return d, d, "day"
        if month is not None:
            m = int(month)
            first = date(year, m, 1)
            return first, date(year, m, calendar.monthrange(year, m)[1]), "month"
        return date(year, 1, 1), date(year, 12, 31), "year"
    except ValueError as exc:
        raise ValueError(f"impossible date {raw!r} ({exc})") from exc


def plain_file_name(value: Any) -> str:
    """A file name inside a reports folder: no folder part, so a registry or queue entry can never
    make the project read a file elsewhere (``/etc/passwd``, ``../../secret``)."""
    name = text(value, required=True)
    assert name is not None
    if "/" in name or "\\" in name or name in (".", "..") or "\0" in name:
        raise ValueError(f"must be a plain file name inside a reports folder, not a path: {name!r}")
    return name


def http_url(value: Any) -> str | None:
    """An ``http(s)`` URL (``javascript:``, ``data:``, ``file:`` … would run or read on a click)."""
    url = text(value)
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


def sha256_hex(value: Any) -> str:
    """A lower-case 64-digit hex SHA-256."""
    out = text(value, required=True)
    assert out is not None
    if not SHA256_RE.match(out):
        raise ValueError(f"not a SHA-256 hex digest: {out[:20]!r}")
    return out


def string_list(value: Any) -> list[str]:
    """A list of non-empty strings (a single string is accepted as a one-item list)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list, found {type(value).__name__}")
    out = []
    for item in value:
        cleaned = text(item)
        if cleaned is None:
            raise ValueError(f"list contains an empty or non-text item: {item!r}")
        out.append(cleaned)
    return out
