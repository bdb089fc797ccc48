"""Popup HTML for records: every data string HTML-escaped, links only ``http(s)``.

Report texts are untrusted (a summary may read ``<img src=x onerror=alert(1)>``), so each value
goes through :func:`html.escape` before it meets markup, and only our own literals are markup.
Columns are converted, escaped and classified whole; each popup string is then assembled in a
single pass, and evidence quotes come from cached report reads.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from geo.core.frame import TEXT_SEP
from geo.outputs.symbology import COUNTRY_LABEL, EXACT_DATE_PRECISION, KIND_LABELS, PRECISION_LABELS, precision_level

#: Quotes shown per popup (the rest are counted) and the longest quote shown in full.
MAX_QUOTES = 3
MAX_QUOTE_CHARS = 600


def esc(values: pd.Series) -> pd.Series:
    """HTML-escaped text per row (quotes too, so values are safe in attributes); ``""`` for missing."""
    out = values.astype(object).where(values.notna(), None)
    return pd.Series([html.escape(str(v), quote=True) if v is not None and v == v else "" for v in out],
                     index=values.index, dtype=object)


def safe_link(url: str | None, label: str = "link") -> str:
    """An ``<a>`` for an absolute http(s) URL; anything else (``javascript:``, relative) as plain text."""
    if not url:
        return ""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f'<span class="da-nolink">{html.escape(text, quote=True)}</span>'
    href = html.escape(text, quote=True)
    return (f'<a href="{href}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(label, quote=True)}</a>")


def _links(values: pd.Series) -> pd.Series:
    return pd.Series([" ".join(safe_link(u) for u in str(v).split(TEXT_SEP)) if isinstance(v, str) and v else ""
                      for v in values], index=values.index, dtype=object)


@lru_cache(maxsize=8192)
def _cached_quote(evidence: Any, report: Any, dirs: tuple[Path, ...] | None) -> str | None:
    from geo.core.evidence import quote

    try:
        return quote(evidence, report, dirs)
    except (OSError, UnicodeDecodeError):
        return None


def evidence_quotes(evidence_json: pd.Series, reports: Mapping[str, Any] | None,
                    dirs: Iterable[Path] | None = None) -> pd.Series:
    """Escaped ``<blockquote>`` HTML of each row's quoted evidence (``""`` when no text is at hand)."""
    if not reports:
        return pd.Series("", index=evidence_json.index, dtype=object)
    from geo.core.model import Evidence

    dir_key = tuple(Path(d) for d in dirs) if dirs is not None else None
    out = []
    for raw in evidence_json:
        try:
            items = json.loads(raw) if isinstance(raw, str) and raw else []
        except ValueError:
            items = []
        quotes: list[str] = []
        for item in items:
            report = reports.get(item.get("report")) if isinstance(item, dict) else None
            if report is None:
                continue
            try:
                ev = Evidence(str(item["report"]), int(item["start"]), int(item["end"]), str(item["sha256"]))
            except (KeyError, TypeError, ValueError):
                continue
            text = _cached_quote(ev, report, dir_key)
            if text:
                short = text if len(text) <= MAX_QUOTE_CHARS else text[:MAX_QUOTE_CHARS].rstrip() + " …"
                quotes.append(f'<blockquote class="da-quote">{html.escape(short, quote=True)}'
                              f'<span class="da-cite">{html.escape(ev.report)} '
                              f"[{ev.start}:{ev.end}]</span></blockquote>")
        more = len(quotes) - MAX_QUOTES
        shown = "".join(quotes[:MAX_QUOTES])
        if more > 0:
            shown += f'<div class="da-more">… and {more} more quoted passage{"s" if more > 1 else ""}</div>'
        out.append(shown)
    return pd.Series(out, index=evidence_json.index, dtype=object)


def _iso(values: pd.Series) -> list[str]:
    arr = values.to_numpy(dtype="datetime64[ns]")
    text = np.datetime_as_string(arr, unit="D").astype(object)
    text[np.isnat(arr)] = ""
    return text.tolist()


def _texts(values: pd.Series) -> list[str]:
    """Column as escaped strings (``""`` for missing)."""
    return esc(values).tolist()


def _ints(values: pd.Series) -> list[int | None]:
    return [None if v is pd.NA or v is None or v != v else int(v) for v in values.astype(object)]


def _precision(level: int, geo: int | None, where: int | None, radius: float) -> str:
    """E.g. ``near a place / small area (geo_precision 2, where_prec 3, ±5 km)``."""
    parts = [f"geo_precision {geo}" if geo is not None else "", f"where_prec {where}" if where is not None else ""]
    if radius == radius:  # not NaN
        parts.append(f"±{radius / 1000:.1f}".removesuffix(".0") + " km")
    detail = ", ".join(p for p in parts if p)
    label = COUNTRY_LABEL if level == 0 else PRECISION_LABELS[level]
    return label + (f" ({detail})" if detail else "")


def _date(start: str, end: str, precision: str, reported: str) -> str:
    """``2021-06-01 – 2021-06-30 (known only to the month: possible range …)``: never a false day."""
    text = start if end in ("", start) else f"{start} – {end}"
    if precision and precision != EXACT_DATE_PRECISION:
        text += f" (known only to the {precision}: possible range, shown while it meets the window)"
    elif precision:
        text += f" ({precision})"
    return text + (f"; reported as “{reported}”" if reported else "")


def _also_reported(values: pd.Series) -> list[str]:
    """Escaped "ACLED SYR1 / UCDP GED 7" per row from ``corroborated_by`` (``""`` when none)."""
    return _texts(values.str.replace(TEXT_SEP, " / ", regex=False))


def _tr(label: str, value: str) -> str:
    return f"<tr><th>{label}</th><td>{value}</td></tr>" if value else ""


def popup_html(frame: pd.DataFrame, *, reports: Mapping[str, Any] | None = None,
               report_dirs: Iterable[Path] | None = None) -> pd.Series:
    """One popup per row: what, who, when, where, the summary, the evidence and the source.

    Columns are converted and escaped as whole columns; the strings are then assembled in one
    pass (string formatting is per string whatever the API, and a plain loop is the fastest).
    """
    n = len(frame)
    kinds = frame["kind"].astype(object).tolist()
    kind_label = [html.escape(KIND_LABELS.get(k, str(k))) for k in kinds]
    subtype = _texts(frame["subtype"].str.replace("_", " ", regex=False))
    title, ident, actors = _texts(frame["title"]), _texts(frame["id"]), _texts(frame["actor_names"])
    starts, ends = _iso(frame["date_start"]), _iso(frame["date_end"])
    firsts, lasts = _iso(frame["first_reported"]), _iso(frame["last_reported"])
    precision = _texts(frame["date_precision"])
    reported = _texts(frame["date_text"])
    status, place = _texts(frame["status"]), _texts(frame["place_text"])
    level = precision_level(frame).tolist()
    geo, where = _ints(frame["geo_precision"]), _ints(frame["where_prec"])
    radius = frame["uncertainty_m"].to_numpy(dtype="float64").tolist()
    confidence = frame["confidence"].to_numpy(dtype="float64").tolist()
    outlet, via, caveat = _texts(frame["source_outlet"]), _texts(frame["source_via"]), _texts(frame["source_caveat"])
    links = _links(frame["source_url"]).tolist()
    unverified = frame["unverified"].fillna(False).to_numpy(dtype=bool).tolist()
    summary = _texts(frame["summary"])
    quotes = evidence_quotes(frame["evidence"], reports, report_dirs).tolist()
    # Imported dataset rows: their event id stands where a quoted passage would (no report text).
    events = _texts(frame["source_event"]) if "source_event" in frame.columns else [""] * n
    deaths = _ints(frame["fatalities"]) if "fatalities" in frame.columns else [None] * n
    also = _also_reported(frame["corroborated_by"]) if "corroborated_by" in frame.columns else [""] * n
    out = []
    for i in range(n):
        lifecycle = ""
        if kinds[i] == "facility":
            lifecycle = "; ".join(p for p in (status[i], f"first reported {firsts[i]}" if firsts[i] else "",
                                              f"last reported {lasts[i]}" if lasts[i] else "") if p)
        where_text = (f"“{place[i]}” — " if place[i] else "") + _precision(level[i], geo[i], where[i], radius[i])
        source = (outlet[i] + (f" event {events[i]}" if events[i] else "") + (f" via {via[i]}" if via[i] else "")
                  + (f" · {links[i]}" if links[i] else ""))
        if unverified[i]:
            note = '<div class="da-unverified">⚠ Unverified by its source' + (f": {caveat[i]}" if caveat[i] else "")
            note += "</div>"
        else:
            note = f'<div class="da-caveat">Caveat: {caveat[i]}</div>' if caveat[i] else ""
        out.append(
            f'<div class="da-popup"><div class="da-title">{title[i]}</div>'
            f'<div class="da-kind">{kind_label[i]}{" · " + subtype[i] if subtype[i] else ""}</div><table>'
            + _tr("Actors", actors[i]) + _tr("Date", _date(starts[i], ends[i], precision[i], reported[i]))
            + _tr("Status", lifecycle) + _tr("Place", where_text)
            + _tr("Fatalities", "" if deaths[i] is None else f"{deaths[i]:,} reported")
            + _tr("Confidence", f"{confidence[i]:.2f}" if confidence[i] == confidence[i] else "")
            + _tr("Source", source) + _tr("Also reported by", also[i]) + "</table>"
            + (f'<p class="da-summary">{summary[i]}</p>' if summary[i] else "")
            + quotes[i] + note + f'<div class="da-id">{ident[i]}</div></div>')
    return pd.Series(out, index=frame.index, dtype=object)
