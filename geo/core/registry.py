"""Validation of the two registries records refer to: ``actors.yaml`` and ``reports.yaml``."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from geo.core import checks as chk
from geo.core.problems import ProblemLog
from geo.core.evidence import file_sha256, find_report_file, read_report_text
from geo.core.model import ACTOR_FIELDS, REPORT_FIELDS, Actor, Report



def _entries(raw: list[Any], label: str, fields: tuple[str, ...], log: ProblemLog
             ) -> Iterable[tuple[str, dict[str, Any], Callable[[str, str], None]]]:
    """Yield ``(record label, mapping, report(field, message))`` for each well-formed entry."""
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            log.add(label, f"#{index}", "entry", f"expected a mapping, found {type(entry).__name__}")
            continue
        ident = entry.get("id")
        rec = ident if isinstance(ident, str) and ident else f"#{index}"

        def report(field: str, message: str, _rec: str = rec) -> None:
            log.add(label, _rec, field, message)

        for key in entry:
            if key not in fields:
                report(str(key), f"unknown field{chk.did_you_mean(str(key), fields)}")
        if not isinstance(ident, str) or not chk.KEY_RE.match(ident):
            report("id", f"missing or invalid id {ident!r} (use [a-z0-9_-])")
            continue
        if ident in seen:
            report("id", "duplicate id")
            continue
        seen.add(ident)
        yield ident, entry, report


def _field(entry: dict[str, Any], name: str, check: Callable[[Any], Any],
           report: Callable[[str, str], None]) -> Any:
    value = entry.get(name)
    if value is None:
        return None
    try:
        return check(value)
    except ValueError as exc:
        report(name, str(exc))
        return None


def parse_actors(raw: list[Any], label: str, log: ProblemLog) -> dict[str, Actor]:
    """Actors by id; every problem goes to ``log``."""
    actors: dict[str, Actor] = {}
    for ident, entry, report in _entries(raw, label, ACTOR_FIELDS, log):
        before = len(log)
        try:
            name = chk.text(entry.get("name"), required=True)
        except ValueError as exc:
            report("name", str(exc))
            name = None
        aliases = _field(entry, "aliases", chk.string_list, report) or []
        color = _field(entry, "color", chk.text, report)
        if color is not None and not chk.COLOR_RE.match(color):
            report("color", f"not a #RRGGBB colour: {color!r}")
        group = _field(entry, "group", chk.text, report)
        if len(log) == before and name is not None:
            actors[ident] = Actor(ident, name, tuple(aliases), color, group)
    return actors


def parse_reports(raw: list[Any], label: str, log: ProblemLog) -> dict[str, Report]:
    """Reports by id; every problem goes to ``log``."""
    reports: dict[str, Report] = {}
    for ident, entry, report in _entries(raw, label, REPORT_FIELDS, log):
        before = len(log)
        values = {
            "file": _field(entry, "file", chk.plain_file_name, report),
            "sha256": _field(entry, "sha256", chk.sha256_hex, report),
            "url": _field(entry, "url", chk.http_url, report),
            "published": _field(entry, "published", lambda v: chk.parse_date(v)[0], report),
        }
        for name in ("title", "outlet", "via", "published_text", "language", "caveat"):
            values[name] = _field(entry, name, chk.text, report)
        if len(log) == before:
            reports[ident] = Report(ident, **values)
    return reports


def load_report_texts(reports: dict[str, Report], label: str, log: ProblemLog,
                      dirs: list[Path]) -> dict[str, str]:
    """Texts of the reports found in ``dirs`` whose file hash (when given) matches.

    A missing text is fine (texts are optional at run time); a text that does not match its
    registered hash is a problem, and its evidence is then not checked span by span.
    """
    texts: dict[str, str] = {}
    for rid, rep in reports.items():
        path = find_report_file(rep, dirs)
        if path is None:
            continue
        try:
            if rep.sha256 is not None and file_sha256(path) != rep.sha256:
                log.add(label, rid, "sha256", f"does not match the report text at {path}")
                continue
            texts[rid] = read_report_text(path)
        except UnicodeDecodeError as exc:
            log.add(label, rid, "file", f"{path} is not UTF-8 text ({exc.reason})")
        except OSError as exc:
            log.add(label, rid, "file", f"cannot read {path}: {exc.strerror or exc}")
    return texts
