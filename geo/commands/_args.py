"""Argument types shared by subcommands (each raises ``ArgumentTypeError`` → one-line error)."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from geo.core import checks as _checks


def start_date(value: str) -> date:
    """First day of ``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY``."""
    try:
        return _checks.parse_date(value)[0]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def end_date(value: str) -> date:
    """Last day of ``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` (``--end 2015-10`` keeps all October)."""
    try:
        return _checks.parse_date(value)[1]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


#: Earliest publication day accepted (older dates are typos, and date arithmetic near year 1 overflows).
EARLIEST_PUBLISHED = date(1900, 1, 1)


def published_day(value: str) -> date:
    """A publication day ``YYYY-MM-DD``, not before 1900 and not after today."""
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from exc
    if not EARLIEST_PUBLISHED <= day <= date.today():
        raise argparse.ArgumentTypeError(f"{value} is not a plausible publication day "
                                         f"({EARLIEST_PUBLISHED.isoformat()} to today)")
    return day


def http_url(value: str) -> str:
    """An ``http(s)`` URL (the validator's own rule)."""
    try:
        return _checks.http_url(value) or ""
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def output_path(value: str) -> Path:
    """A file or folder to write; an empty value (which would mean "here") is refused."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path; name the file or folder to write")
    return Path(value).expanduser()


def unit_interval(value: str) -> float:
    """A number within [0, 1]."""
    try:
        out = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0.0 <= out <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within 0..1, got {value}")
    return out


def data_dir(value: str) -> Path:
    """An existing folder."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value}")
    return path


def split_list(values: list[str] | None) -> list[str] | None:
    """Repeated and/or comma-separated options → one flat list (``None`` when not given)."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=data_dir, default=None,
                        help="data folder (default: the repository's data/)")
