"""Strict YAML reading for the data files.

Dates stay strings (PyYAML would turn ``2015-02-30`` into a crash for the whole file instead of a
problem on one record's field), and a key given twice in one mapping is an error instead of a
silent overwrite.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gazetteer.yamlio import StrictLoader
from geo.core.problems import NO_RECORD, ProblemLog


def _describe(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"broken YAML: {problem}{where}"


def read_yaml_list(path: Path, label: str, log: ProblemLog, *, required: bool = True) -> list[Any]:
    """Parse ``path`` as a YAML list; problems go to ``log`` and an empty list is returned.

    ``label`` is how the file is named in messages (relative to the data folder's parent).
    """
    if not path.is_file():
        if required:
            log.add(label, NO_RECORD, "file", "file not found")
        return []
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        log.add(label, NO_RECORD, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    except OSError as exc:
        log.add(label, NO_RECORD, "file", f"cannot read: {exc.strerror or exc}")
        return []
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        log.add(label, NO_RECORD, "yaml", _describe(exc))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        log.add(label, NO_RECORD, "yaml", f"expected a list of entries, found {type(data).__name__}")
        return []
    return data
