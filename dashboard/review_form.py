"""The review page's form and map: widget values as edits, candidates drawn like records.

Streamlit-free logic the page (``pages/review.py``) calls; the decisions themselves are
:mod:`geo.review`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from geo.core.dataset import records_to_frame
from geo.core.gazetteer_access import Gazetteer
from geo.core.model import REPORT_FIELDS, SUBTYPES
from geo.core.places import PlaceResolver
from geo.core.problems import ProblemLog
from geo.core.registry import parse_reports
from geo.core.validate import LoadContext, parse_record
from geo.review import Queue, record_from_candidate


def subtype_choices(kind: str, current: str | None = None) -> list[str | None]:
    """Options of the subtype select: none, ``kind``'s common subtypes, and ``current`` when it is not one.

    Any snake_case subtype is valid (``transfer``, ``air_campaign``); offering only the common
    ones would silently drop the candidate's own when the analyst accepts.
    """
    options: list[str | None] = [None, *SUBTYPES.get(kind, ())]
    if current and current not in options:
        options.append(current)
    return options


def _blank(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def edits_from_form(candidate: Mapping[str, Any], *, kind: str, subtype: str | None, title: str, summary: str,
                    actors: Sequence[str], place: str, place_context: str, date_start: str, date_end: str,
                    date_precision: str | None, status: str | None = None) -> dict[str, Any]:
    """The review form's values as :func:`accept` edits: only the fields the analyst changed.

    ``place`` is the form's text, several places separated by ``;``; blank texts mean "not set";
    ``status`` is given for facilities only.  A movement proposed with a route keeps it while its
    places are unchanged; edited places become the route (origin first), or no route when fewer
    than two are left, since a stale route would still be drawn over the new places.
    """
    queries = [q.strip() for q in place.split(";") if q.strip()]
    review = candidate.get("review") or {}
    form: dict[str, Any] = {
        "kind": kind, "subtype": _blank(subtype), "title": _blank(title), "summary": _blank(summary),
        "actors": list(actors), "place": queries[0] if len(queries) == 1 else (queries or None),
        "place_context": _blank(place_context), "date_start": _blank(date_start), "date_end": _blank(date_end),
        "date_precision": _blank(date_precision),
    }
    if status is not None:
        form["status"] = status
    route = candidate.get("route")
    if isinstance(route, list) and kind == "movement" and queries != route:
        form["route"] = queries if len(queries) >= 2 else None
    current = {**candidate, "status": review.get("facility_status")}
    return {k: v for k, v in form.items() if v != current.get(k)}


# --- showing candidates ----------------------------------------------------------------------------
def candidates_frame(queue: Queue, *, gazetteer: Gazetteer, actors: Mapping[str, Any],
                     reports: Mapping[str, Any] | None = None, entries: list[dict[str, Any]] | None = None
                     ) -> tuple[Any, dict[str, str]]:
    """Pending candidates in the dataset frame's shape (for the web map), and why others cannot be drawn.

    An undated candidate is drawn as of its report's publication (or today): the review map is
    about where, not when.
    """
    log = ProblemLog()
    known = dict(reports or {})
    extra = parse_reports([{k: r.get(k) for k in REPORT_FIELDS if r.get(k) is not None} for r in queue.reports],
                          "queue", log)
    known.update({k: v for k, v in extra.items() if k not in known})
    ctx = LoadContext(dict(actors), known, {}, PlaceResolver(gazetteer), date.today())
    records, problems = [], {}
    for entry in entries if entries is not None else queue.pending():
        shown = record_from_candidate(entry)
        if shown.get("date_start") is None:
            rep = known.get(shown["sources"][0]["report"])
            shown["date_start"] = (rep.published if rep is not None and rep.published else date.today()).isoformat()
            shown.pop("date_end", None)
        shown.pop("evidence", None)  # spans are checked on accept, against the stored text
        before = len(log)
        rec = parse_record(shown, 1, "queue", ctx, log)
        if rec is None:
            problems[entry["id"]] = "; ".join(f"{p.field}: {p.message}" for p in log.problems[before:])
        else:
            records.append(rec)
    return records_to_frame(records, dict(actors)), problems
