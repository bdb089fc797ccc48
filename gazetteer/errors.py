"""Typed errors of the gazetteer."""
from __future__ import annotations


class GazetteerError(Exception):
    """Base class of every gazetteer error."""


class DataError(GazetteerError):
    """Gazetteer data is malformed; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in gazetteer data:\n" + "\n".join(f"- {p}" for p in self.problems))


class SourceFileError(GazetteerError):
    """A boundaries or GeoNames file could not be imported."""


class OnlineError(GazetteerError):
    """The optional online geocoder failed (network, quota, parse)."""
