"""``python -m geo evidence``: the evidence entry (start, end, sha256) for a phrase of a report.

For data authors: ``python -m geo evidence --report r002 --find "joint operations rooms"``
prints a YAML flow mapping to paste into a record's ``evidence`` list.
"""
from __future__ import annotations

import argparse

from geo.commands import _args
from geo.errors import GeoError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("evidence", help="print an evidence span for a phrase of a report",
                              description=__doc__)
    p.add_argument("--report", required=True, metavar="ID", help="report id from reports.yaml")
    p.add_argument("--find", required=True, metavar="PHRASE", help="exact text to locate")
    p.add_argument("--occurrence", type=int, default=1, metavar="N", help="use the N-th match (default 1)")
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo import settings
    from geo.core.problems import ProblemLog
    from geo.core.registry import parse_reports
    from geo.store.yamlio import read_yaml_list
    from geo.core.evidence import find_report_file, locate, read_report_text, span_sha256

    root = args.data_dir or settings.data_dir()
    log = ProblemLog()
    path = root / settings.REPORTS_FILE
    reports = parse_reports(read_yaml_list(path, str(path), log), str(path), log)
    log.raise_if_any()
    report = reports.get(args.report)
    if report is None:
        raise GeoError(f"unknown report id {args.report!r} (known: {', '.join(sorted(reports))})")
    if not report.file:
        raise GeoError(f"{path}: report {args.report} gives no 'file' for its text")
    text_path = find_report_file(report)
    if text_path is None:
        dirs = settings.reports_dirs()
        where = ", ".join(map(str, dirs)) if dirs else "no report folders (set DESERT_ATLAS_REPORTS)"
        raise GeoError(f"text of report {args.report} ({report.file}) not found in {where}")
    text = read_report_text(text_path)
    try:
        start, end = locate(text, args.find, args.occurrence)
    except ValueError as exc:
        raise GeoError(str(exc)) from exc
    print(f"{{report: {report.id}, start: {start}, end: {end}, sha256: {span_sha256(text, start, end)}}}")
    return 0
