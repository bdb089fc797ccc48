"""Errors of a dataset import: one line each, naming file, row and column."""
from __future__ import annotations

from dataclasses import dataclass

from geo.errors import GeoError


@dataclass(frozen=True)
class RowProblem:
    """One unusable row: its number (1 = the first row after the header), column and why."""

    row: int
    column: str
    message: str

    def line(self, file: str) -> str:
        return f"{file}: row {self.row}: {self.column}: {self.message}"


class EventImportError(GeoError):
    """A dataset file was refused as a whole; nothing was written to the data folder."""
