"""Validation of event records: every field checked, every problem logged, then built.

``parse_record`` never stops at the first problem of a record; it logs each one (file, record id,
field, message) and returns ``None`` when anything was wrong, so the loader can raise a single
:class:`~geo.errors.DatasetError` listing the whole dataset's problems.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import shapely
import shapely.geometry

from gazetteer.settings import PIN_MAX_UNCERTAINTY_M
from geo.core import checks as chk
from geo.core.places import (
    Located, PlaceResolver, UnknownPlace, combined_precision, coordinate_problems, drawable, min_uncertainty_m,
    precision_of_geometry, unsupported_precision,
)
from geo.core.problems import ProblemLog
from geo.core.evidence import span_sha256
from geo.core.model import (
    DATE_PRECISIONS, EVIDENCE_FIELDS, GEO_PRECISION_RANGE, KINDS, RECORD_FIELDS, SOURCE_FIELDS, STATUSES,
    SUBTYPE_ALIASES, SUBTYPES, WHERE_PREC_RANGE, range_precision, Actor, Evidence, Record, Report, Source, date_prec_from_days,
)

SUBTYPE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Largest ``fatalities`` accepted (a typo guard, far above any single reported event).
MAX_FATALITIES = 1_000_000
#: A bare radius cannot tell an administrative unit from "part of the country" (its codes say 3/5
#: beyond 25 km), so a hand-given point or area may keep UCDP's admin codes (3 district,
#: 4 governorate) up to these radii: datasets such as GED code a district or governorate this way.
ADMIN_WHERE_PREC_MAX_RADIUS_M: dict[int, float] = {3: 60_000.0, 4: 150_000.0}

#: A caveat saying the outlet did not verify its own story makes the record ``unverified``.
UNVERIFIED_RE = re.compile(
    r"\b(?:un-?verified|unconfirmed|(?:has|have|had|could|can|was|were|is|are)\s*(?:not|n't)\s+"
    r"(?:been\s+|be\s+)?(?:independently\s+)?(?:verif|confirm))",
    re.IGNORECASE,
)


@dataclass
class LoadContext:
    """What records are checked against while one data folder loads."""

    actors: dict[str, Actor]
    reports: dict[str, Report]
    report_texts: dict[str, str]
    resolver: PlaceResolver
    today: date
    seen_ids: dict[str, str] = field(default_factory=dict)


class _RecordLog:
    """Binds file and record label so checks read as ``bad("field", "message")``."""

    def __init__(self, log: ProblemLog, file: str, record: str):
        self.log, self.file, self.record, self.count = log, file, record, 0

    def __call__(self, field_name: str, message: str) -> None:
        self.count += 1
        self.log.add(self.file, self.record, field_name, message)


def _get(raw: dict[str, Any], name: str, check: Any, bad: _RecordLog, *args: Any, **kw: Any) -> Any:
    try:
        return check(raw.get(name), *args, **kw)
    except ValueError as exc:
        bad(name, str(exc))
        return None


def _optional(check: Any) -> Any:
    return lambda value, *a, **k: None if value is None else check(value, *a, **k)


def _queries(value: Any) -> list[str] | None:
    """``place``/``route``: a query or a list of queries."""
    if value is None:
        return None
    out = chk.string_list(value)
    if not out:
        raise ValueError("is empty")
    return out


def _dates(raw: dict[str, Any], ctx: LoadContext, bad: _RecordLog) -> dict[str, Any] | None:
    """Start/end/precision of a record's date, plus facility lifecycle dates."""
    before = bad.count
    start = end_implied = None
    granularity = "day"
    if raw.get("date_start") is None:
        bad("date_start", "is required")
    else:
        try:
            start, end_implied, granularity = chk.parse_date(raw["date_start"])
        except ValueError as exc:
            bad("date_start", str(exc))
    precision = _get(raw, "date_precision", _optional(chk.text), bad)
    if precision is not None and precision not in DATE_PRECISIONS:
        bad("date_precision", f"unknown precision {precision!r} (expected one of {', '.join(DATE_PRECISIONS)})")
    end = None
    if raw.get("date_end") is not None:
        try:
            end = chk.parse_date(raw["date_end"])[1]
        except ValueError as exc:
            bad("date_end", str(exc))
    elif start is not None:
        end = start + timedelta(days=6) if precision == "week" and granularity == "day" else end_implied
    lifecycle = {}
    for name in ("first_reported", "last_reported"):
        try:
            lifecycle[name] = None if raw.get(name) is None else chk.parse_date(raw[name])[0]
        except ValueError as exc:
            bad(name, str(exc))
            lifecycle[name] = None
    for name, value in (("date_start", start), ("date_end", end), *lifecycle.items()):
        if value is not None and value > ctx.today:
            bad(name, f"{value.isoformat()} is in the future")
    if start is not None and end is not None and end < start:
        bad("date_end", f"{end.isoformat()} is before date_start {start.isoformat()}")
    if start is not None and end is not None and end >= start and precision in DATE_PRECISIONS:
        supported = range_precision((end - start).days + 1)
        if DATE_PRECISIONS.index(precision) < DATE_PRECISIONS.index(supported):
            bad("date_precision", f"{precision!r} is finer than the range {start.isoformat()} to {end.isoformat()} "
                                  f"({(end - start).days + 1} days) supports: use {supported!r} or coarser")
    first, last = lifecycle["first_reported"], lifecycle["last_reported"]
    if first is not None and last is not None and last < first:
        bad("last_reported", f"{last.isoformat()} is before first_reported {first.isoformat()}")
    if bad.count > before or start is None or end is None:
        return None
    days = (end - start).days + 1
    if precision is None:
        precision = granularity if granularity != "day" else range_precision(days)
    return {
        "date_start": start, "date_end": end, "date_precision": precision,
        "date_prec": date_prec_from_days(days), **lifecycle,
    }


def _location(raw: dict[str, Any], kind: str | None, ctx: LoadContext, bad: _RecordLog
              ) -> tuple[Located | None, str | None] | None:
    """Geometry and precision from place/place_id/route/geometry; ``None`` when broken.

    Returns ``(None, None)`` for an unmapped statement.
    """
    before = bad.count
    places = _get(raw, "place", _queries, bad)
    route = _get(raw, "route", _queries, bad)
    place_id = _get(raw, "place_id", _optional(chk.text), bad)
    context = _get(raw, "place_context", _optional(chk.text), bad)
    override = raw.get("geometry")
    explicit = {
        "geo_precision": _get(raw, "geo_precision", _optional(chk.integer), bad, *GEO_PRECISION_RANGE),
        "where_prec": _get(raw, "where_prec", _optional(chk.integer), bad, *WHERE_PREC_RANGE),
        "uncertainty_m": _get(raw, "uncertainty_m", _optional(chk.number), bad, lo=0.0, hi=2_000_000.0),
    }
    if route is not None and kind is not None and kind != "movement":
        bad("route", f"only movements have a route (this record is a {kind})")
    if route is not None and len(route) < 2:
        bad("route", "needs at least two places (origin first)")
    if places is None and place_id is None and route is None and override is None and kind != "statement":
        bad("place", "no location: give place, place_id, route or geometry")
    geometry = None
    if override is not None:
        try:
            if not isinstance(override, dict):
                raise TypeError(f"expected a GeoJSON geometry mapping, found {type(override).__name__}")
            geometry = shapely.geometry.shape(override)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            bad("geometry", f"not a valid GeoJSON geometry: {exc}")
        else:
            for message in coordinate_problems(geometry, ctx.resolver):
                bad("geometry", message)
    if bad.count > before:
        return None

    located: Located | None = None
    query = place_id if place_id is not None else ("; ".join(places) if places else None)
    stage = "place_id" if place_id is not None else "place"  # the field a failure belongs to
    try:
        if place_id is not None:
            located = ctx.resolver.locate([place_id], context)
            if place_id not in located.place_ids:
                found = ", ".join(located.place_ids) or "a relative footprint"
                bad("place_id", f"unknown place id {place_id!r} (the gazetteer matched {found})")
        elif places is not None:
            located = ctx.resolver.locate(places, context)
        if route is not None:
            stage = "route"
            line = ctx.resolver.route(route, context)
            parts = [line] if located is None else [line, located]  # a route is as vague as its places
            located = dataclasses.replace(
                line,
                place_ids=tuple(dict.fromkeys((located.place_ids if located else ()) + line.place_ids)),
                refs=tuple(dict.fromkeys((located.refs if located else ()) + line.refs)),
                **combined_precision(parts),
            )
            query = query or " -> ".join(route)
    except (UnknownPlace, ValueError) as exc:
        bad(stage, str(exc))
        return None
    except Exception as exc:  # a gazetteer bug must not hide the other records' problems
        bad(stage, f"gazetteer failed on this record: {type(exc).__name__}: {exc}")
        return None
    if bad.count > before:
        return None

    if geometry is not None:  # the override is drawn; a place (if any) can only make it vaguer
        own = Located(geometry, (), (), None, None, **precision_of_geometry(geometry, explicit["uncertainty_m"]))
        located = Located(geometry, located.place_ids if located else (), located.refs if located else (),
                          None, None, **combined_precision([own] if located is None else [own, located]))
        floor = min_uncertainty_m(geometry)
    elif located is not None:
        floor = min_uncertainty_m(located.geometry, located)
    if located is None:
        return None, None
    supported = (located.geo_precision, located.where_prec)
    admin_code = explicit["where_prec"]
    if (geometry is not None and not located.place_ids and admin_code in ADMIN_WHERE_PREC_MAX_RADIUS_M
            and (located.where_prec or 0) > admin_code
            and (located.uncertainty_m or 0.0) <= ADMIN_WHERE_PREC_MAX_RADIUS_M[admin_code]):
        supported = (located.geo_precision, admin_code)
    overrides = {k: v for k, v in explicit.items() if v is not None}
    for name, message in unsupported_precision(overrides, supported, min_radius_m=floor):
        bad(name, message)
    if overrides:
        located = dataclasses.replace(located, **overrides)
    shown = drawable(located, ctx.resolver)
    if shown is None and geometry is not None:
        codes = f"geo_precision {located.geo_precision} / where_prec {located.where_prec}"
        bad("geometry", f"a point with {codes} (not an exact place) would be drawn as a pin: give uncertainty_m "
                        f"above {PIN_MAX_UNCERTAINTY_M:,} m (drawn as a circle of that radius), an area "
                        "geometry, or codes 1/1")
    if bad.count > before:
        return None
    return located if shown is None else shown, query


def _sources(raw: dict[str, Any], ctx: LoadContext, bad: _RecordLog) -> tuple[Source, ...]:
    value = raw.get("sources")
    if not isinstance(value, list) or not value:
        bad("sources", "needs at least one source ({report: <report id>})")
        return ()
    out = []
    for i, item in enumerate(value, start=1):
        if isinstance(item, str):
            item = {"report": item}
        if not isinstance(item, dict):
            bad(f"sources[{i}]", f"expected {{report: <id>}}, found {item!r}")
            continue
        for key in item:
            if key not in SOURCE_FIELDS:
                bad(f"sources[{i}]", f"unknown field {key!r}{chk.did_you_mean(str(key), SOURCE_FIELDS)}")
        rid = item.get("report")
        rep = ctx.reports.get(rid) if isinstance(rid, str) else None
        if rep is None:
            bad(f"sources[{i}].report", f"unknown report id {rid!r}{chk.did_you_mean(str(rid), ctx.reports)}")
            continue
        try:
            published = chk.parse_date(item["published"])[0] if item.get("published") is not None else rep.published
            values = {k: chk.text(item.get(k)) for k in ("outlet", "via", "caveat", "event")}
            values["url"] = chk.http_url(item.get("url"))
        except ValueError as exc:
            bad(f"sources[{i}]", str(exc))
            continue
        out.append(Source(
            report=rep.id,
            outlet=values["outlet"] or rep.outlet,
            via=values["via"] or rep.via,
            url=values["url"] or rep.url,
            published=published,
            caveat=values["caveat"] or rep.caveat,
            event=values["event"],
        ))
    return tuple(out)


def _evidence(raw: dict[str, Any], source_ids: set[str], ctx: LoadContext, bad: _RecordLog
              ) -> tuple[Evidence, ...]:
    value = raw.get("evidence")
    if value is None:
        return ()
    if not isinstance(value, list):
        bad("evidence", f"expected a list of spans, found {type(value).__name__}")
        return ()
    out = []
    for i, item in enumerate(value, start=1):
        name = f"evidence[{i}]"
        if not isinstance(item, dict):
            bad(name, f"expected {{report, start, end, sha256}}, found {item!r}")
            continue
        before = bad.count
        for key in item:
            if key not in EVIDENCE_FIELDS:
                bad(name, f"unknown field {key!r}{chk.did_you_mean(str(key), EVIDENCE_FIELDS)}")
        rid = item.get("report")
        if not isinstance(rid, str) or rid not in ctx.reports:
            bad(f"{name}.report", f"unknown report id {rid!r}")
        elif rid not in source_ids:
            bad(f"{name}.report", f"report {rid!r} is not among this record's sources")
        start, end = item.get("start"), item.get("end")
        for key, pos in (("start", start), ("end", end)):
            if isinstance(pos, bool) or not isinstance(pos, int) or pos < 0:
                bad(f"{name}.{key}", f"expected a character offset >= 0, found {pos!r}")
        try:
            digest = chk.sha256_hex(item.get("sha256"))
        except ValueError as exc:
            bad(f"{name}.sha256", str(exc))
            digest = None
        if bad.count > before:
            continue
        if end <= start:
            bad(f"{name}.end", f"{end} is not after start {start}")
            continue
        text = ctx.report_texts.get(rid)
        if text is not None:
            if end > len(text):
                bad(f"{name}.end", f"{end} is past the end of report {rid} ({len(text)} characters)")
                continue
            if span_sha256(text, start, end) != digest:
                snippet = text[start:min(end, start + 60)].replace("\n", " ")
                bad(f"{name}.sha256", f"does not match report {rid} characters {start}-{end} ({snippet!r}...)")
                continue
        out.append(Evidence(rid, start, end, digest))
    return tuple(out)


def parse_record(raw: Any, index: int, file: str, ctx: LoadContext, log: ProblemLog) -> Record | None:
    """Validate one YAML entry and build its :class:`Record` (``None`` if anything is wrong)."""
    if not isinstance(raw, dict):
        log.add(file, f"#{index}", "entry", f"expected a mapping, found {type(raw).__name__}")
        return None
    ident = raw.get("id")
    label = ident if isinstance(ident, str) and ident.strip() else f"#{index}"
    bad = _RecordLog(log, file, label)

    for key in raw:
        if key not in RECORD_FIELDS:
            bad(str(key), f"unknown field{chk.did_you_mean(str(key), RECORD_FIELDS)}")
    if not isinstance(ident, str) or not chk.ID_RE.match(ident):
        bad("id", f"missing or invalid id {ident!r} (use lower-case letters, digits and single dashes)")
    elif ident in ctx.seen_ids:
        bad("id", f"duplicate id (first used in {ctx.seen_ids[ident]})")
    else:
        ctx.seen_ids[ident] = file

    kind = raw.get("kind")
    if kind not in KINDS:
        bad("kind", f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        kind = None
    subtype = _get(raw, "subtype", _optional(chk.text), bad)
    if subtype is not None:
        subtype = SUBTYPE_ALIASES.get(subtype, subtype)
        if not SUBTYPE_RE.match(subtype):
            hint = f"; common {kind} subtypes: {', '.join(SUBTYPES[kind])}" if kind else ""
            bad("subtype", f"{subtype!r} is not a snake_case word (use [a-z0-9_]){hint}")

    texts = {name: _get(raw, name, chk.text, bad, required=(name == "title"))
             for name in ("title", "summary", "place_text", "date_text", "notes")}

    actors: list[str] = []
    value = raw.get("actors")
    if not isinstance(value, list) or not value:
        bad("actors", "needs at least one actor id")
    else:
        for actor in value:
            if not isinstance(actor, str) or actor not in ctx.actors:
                bad("actors", f"unknown actor {actor!r}{chk.did_you_mean(str(actor), ctx.actors)}")
            elif actor not in actors:
                actors.append(actor)

    dates = _dates(raw, ctx, bad)
    status = _get(raw, "status", _optional(chk.text), bad)
    if status is not None and status not in STATUSES:
        bad("status", f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
    fatalities = _get(raw, "fatalities", _optional(chk.integer), bad, 0, MAX_FATALITIES)
    confidence = _get(raw, "confidence", chk.number, bad, lo=0.0, hi=1.0) if "confidence" in raw else None
    if "confidence" not in raw:
        bad("confidence", "is required (0 to 1)")
    sources = _sources(raw, ctx, bad)
    evidence = _evidence(raw, {s.report for s in sources}, ctx, bad)
    where = _location(raw, kind, ctx, bad)

    if bad.count or dates is None or where is None or kind is None or confidence is None:
        return None
    located, query = where
    if kind == "facility":
        dates["first_reported"] = dates["first_reported"] or dates["date_start"]
        dates["last_reported"] = dates["last_reported"] or max(dates["date_end"], dates["first_reported"])
        status = status or "unknown"
    return Record(
        id=ident, kind=kind, subtype=subtype, title=texts["title"], summary=texts["summary"],
        actors=tuple(actors), place_text=texts["place_text"], place_query=query,
        place_id=(";".join(located.place_ids) or None) if located else None,
        place_ids=located.place_ids if located else (),
        place_refs=located.refs if located else (),
        geometry=located.geometry if located else None,
        latitude=located.latitude if located else None,
        longitude=located.longitude if located else None,
        geo_precision=located.geo_precision if located else None,
        where_prec=located.where_prec if located else None,
        uncertainty_m=located.uncertainty_m if located else None,
        date_text=texts["date_text"], status=status, sources=sources, evidence=evidence,
        confidence=confidence, notes=texts["notes"], file=file, fatalities=fatalities, **dates,
    )
