"""Typed exceptions of the geo package.

Callers (the dashboard, the CLIs) catch these to show a clean message instead of a traceback;
the underlying cause is always chained with ``raise ... from``.
"""
from __future__ import annotations

from dataclasses import dataclass


class GeoError(Exception):
    """Base class of every error raised on purpose by the geo package."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located precisely enough to fix it without searching."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class DatasetError(GeoError):
    """The data folder has problems; ``problems`` lists every one (one per line in the message)."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the dataset:"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


class ExportError(GeoError):
    """An export could not be written (nothing was left half-written)."""


class FilterError(GeoError, ValueError):
    """A filter argument is invalid (unknown kind, end before start, ...)."""


class GazetteerError(GeoError):
    """The gazetteer could not be loaded (records cannot be placed without it)."""
