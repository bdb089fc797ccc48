"""Collects data problems so validation reports all of them at once, not the first one only."""
from __future__ import annotations

from geo.errors import DatasetError, Problem

#: Placeholder for problems that belong to a file rather than to one record.
NO_RECORD = "-"


class ProblemLog:
    """An append-only list of :class:`~geo.errors.Problem` with a single raise point."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, record: str | None, field: str, message: str) -> None:
        self.problems.append(Problem(str(file), record or NO_RECORD, field, message))

    def __len__(self) -> int:
        return len(self.problems)

    def raise_if_any(self) -> None:
        """Raise one :class:`DatasetError` naming every problem gathered so far."""
        if self.problems:
            raise DatasetError(self.problems)
