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
