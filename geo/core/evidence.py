"""Report texts and evidence spans.

Records point into report texts by character span instead of copying sentences (the texts are
not ours to republish).  Conventions, shared by the data files, the validator and the dashboard:

* a report text is the file's bytes decoded as UTF-8, with no newline translation;
* ``start``/``end`` are Python ``str`` indices into that text (``text[start:end]``), i.e. Unicode
  code points, not bytes;
* ``sha256`` is the hex SHA-256 of the span encoded as UTF-8; a report's own ``sha256`` in
  ``reports.yaml`` is the hex SHA-256 of the whole file's bytes.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from geo import settings
from geo.core.checks import plain_file_name
from geo.core.model import Evidence, Report


def span_sha256(text: str, start: int, end: int) -> str:
    """Hash of ``text[start:end]``; pins the exact characters a record relies on."""
    return hashlib.sha256(text[start:end].encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """Hash of a file's bytes (a report's identity in ``reports.yaml``)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_report_text(path: Path) -> str:
    """The text spans index into: exact UTF-8 decoding, newlines untouched."""
    return Path(path).read_bytes().decode("utf-8")


def find_report_file(report: Report, dirs: Iterable[Path] | None = None) -> Path | None:
    """First existing ``<dir>/<report.file>`` among the reports folders, or ``None``."""
    if not report.file:
        return None
    try:
        name = plain_file_name(report.file)  # never a path out of the reports folders
    except ValueError:
        return None
    for folder in settings.reports_dirs() if dirs is None else dirs:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def quote(evidence: Evidence, report: Report, dirs: Iterable[Path] | None = None) -> str | None:
    """The quoted span when the report text is available *and* the span still matches its hash.

    Returns ``None`` rather than a wrong quote when the text is missing or has changed.
    """
    path = find_report_file(report, dirs)
    if path is None:
        return None
    text = read_report_text(path)
    if not 0 <= evidence.start < evidence.end <= len(text):
        return None
    if span_sha256(text, evidence.start, evidence.end) != evidence.sha256:
        return None
    return text[evidence.start:evidence.end]


def locate(text: str, phrase: str, occurrence: int = 1) -> tuple[int, int]:
    """``(start, end)`` of the ``occurrence``-th exact match of ``phrase`` (for data authors).

    Raises ``ValueError`` when the phrase is not found that many times.
    """
    start = -1
    for _ in range(occurrence):
        start = text.find(phrase, start + 1)
        if start < 0:
            raise ValueError(f"phrase not found (occurrence {occurrence}): {phrase!r}")
    return start, start + len(phrase)
