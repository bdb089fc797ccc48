"""Time helpers for the dashboard: the dataset's span, stepping a window, counts per actor.

Pure functions of a frame and dates, so the slider's behaviour is testable without streamlit.
Which records a window shows is :func:`geo.core.filtering.filter_records`' rule, not decided here.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

#: Step sizes offered next to the slider (label → pandas offset).
STEPS: dict[str, pd.DateOffset] = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}


def dataset_span(frame: pd.DataFrame) -> tuple[date, date]:
    """First and last day any record may be shown (reporting dates included).

    Always two distinct days (a slider needs them): a one-day dataset gets the next day too,
    an empty one today and tomorrow.
    """
    starts = [frame[c].min() for c in ("date_start", "first_reported") if c in frame and len(frame)]
    ends = [frame[c].max() for c in ("date_end", "date_start", "last_reported") if c in frame and len(frame)]
    starts = [s for s in starts if pd.notna(s)]
    ends = [e for e in ends if pd.notna(e)]
    if not starts or not ends:
        today = date.today()
        return today, today + timedelta(days=1)
    lo, hi = min(starts).date(), max(ends).date()
    return lo, max(lo + timedelta(days=1), hi)


def within(window: tuple[date, date], bounds: tuple[date, date]) -> bool:
    """Whether ``window`` is a valid slider value inside ``bounds``."""
    return bounds[0] <= window[0] <= window[1] <= bounds[1]


def step_window(window: tuple[date, date], step: str, direction: int,
                bounds: tuple[date, date]) -> tuple[date, date]:
    """Shift ``window`` by one ``step`` (``direction`` ±1), keeping its width inside ``bounds``.

    At an edge the window stops flush with it instead of shrinking, so stepping back and forth
    never loses the width the user chose (unless the window is wider than the bounds).
    """
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r} (expected one of {', '.join(STEPS)})")
    lo_bound, hi_bound = bounds
    start, end = window
    offset = STEPS[step]
    ts_start, ts_end = pd.Timestamp(start), pd.Timestamp(end)
    if direction >= 0:
        new_start, new_end = ts_start + offset, ts_end + offset
    else:
        new_start, new_end = ts_start - offset, ts_end - offset
    width = ts_end - ts_start
    if new_end.date() > hi_bound:
        new_end = pd.Timestamp(hi_bound)
        new_start = max(new_end - width, pd.Timestamp(lo_bound))
    if new_start.date() < lo_bound:
        new_start = pd.Timestamp(lo_bound)
        new_end = min(new_start + width, pd.Timestamp(hi_bound))
    return new_start.date(), new_end.date()


def period_for(span_days: int) -> str:
    """Bar width for a span: weeks up to two years, months up to ten, quarters beyond."""
    if span_days <= 731:
        return "W"
    if span_days <= 3653:
        return "M"
    return "Q"


def counts_by_actor(frame: pd.DataFrame, actor_names: dict[str, str] | None = None,
                    freq: str | None = None) -> pd.DataFrame:
    """Records per period and actor (long form: ``period``, ``actor``, ``count``), by ``date_start``.

    A record with several actors counts once for each.  Periods are labelled by their first day.
    """
    names = actor_names or {}
    if frame.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "actor": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64")})
    lo, hi = frame["date_start"].min(), frame["date_start"].max()
    freq = freq or period_for(int((hi - lo).days))
    period = frame["date_start"].dt.to_period(freq).dt.start_time
    exploded = pd.DataFrame({"period": period, "actor": frame["actors"]}).explode("actor")
    exploded["actor"] = exploded["actor"].fillna("unknown")
    counts = exploded.groupby(["period", "actor"], sort=True).size().rename("count").reset_index()
    counts["actor"] = counts["actor"].map(lambda a: names.get(a, a))
    return counts


def actor_chart(counts: pd.DataFrame, colors: dict[str, str], window: tuple[date, date]) -> Any:
    """Stacked bars of ``counts`` (from :func:`counts_by_actor`) in the actors' map colours, with
    the time window shaded behind them. Altair ships with Streamlit and needs no network."""
    import altair as alt  # lazy: only the dashboard draws charts

    domain = sorted(counts["actor"].unique())
    bars = alt.Chart(counts).mark_bar().encode(
        x=alt.X("period:T", title="start of the reported range"),
        y=alt.Y("sum(count):Q", title="records"),
        color=alt.Color("actor:N", scale=alt.Scale(domain=domain, range=[colors.get(a, "#777777") for a in domain]),
                        legend=alt.Legend(orient="bottom", columns=3, title=None)),
        tooltip=["period:T", "actor:N", "count:Q"])
    band = alt.Chart(pd.DataFrame({"start": [pd.Timestamp(window[0])], "end": [pd.Timestamp(window[1])]})
                     ).mark_rect(opacity=0.12, color="#333333").encode(x="start:T", x2="end:T")
    return band + bars


def coarse_mask(frame: pd.DataFrame) -> np.ndarray:
    """Records whose date is known only to a week, month or year (shown over their possible range)."""
    return frame["date_precision"].fillna("day").to_numpy(dtype=object) != "day"


def as_dates(value: Any) -> tuple[date, date]:
    """A slider value (tuple of dates/timestamps) as two ``date`` objects."""
    start, end = value
    return pd.Timestamp(start).date(), pd.Timestamp(end).date()


#: Window widths offered next to the slider (label → pandas offset; ``None`` is the whole span).
WIDTHS: dict[str, pd.DateOffset | None] = {
    "whole span": None,
    "1 week": pd.DateOffset(weeks=1),
    "1 month": pd.DateOffset(months=1),
    "3 months": pd.DateOffset(months=3),
    "1 year": pd.DateOffset(years=1),
}
#: The label :func:`width_label` gives a window no entry of :data:`WIDTHS` describes.
CUSTOM_WIDTH = "custom"


def window_of_width(start: date, width: str, bounds: tuple[date, date]) -> tuple[date, date]:
    """The window of ``width`` (a :data:`WIDTHS` label) from ``start``, kept inside ``bounds``.

    Near the end of the data it ends on the last day and starts earlier, so it keeps its width;
    a width longer than the data gives the whole span.
    """
    if width not in WIDTHS:
        raise ValueError(f"unknown window width {width!r} (expected one of {', '.join(WIDTHS)})")
    offset = WIDTHS[width]
    if offset is None:
        return bounds
    lo, hi = pd.Timestamp(bounds[0]), pd.Timestamp(bounds[1])
    begin = min(max(pd.Timestamp(start), lo), hi)
    end = min(begin + offset - pd.Timedelta(days=1), hi)
    begin = max(lo, end - offset + pd.Timedelta(days=1))
    return begin.date(), end.date()


def width_label(window: tuple[date, date], bounds: tuple[date, date]) -> str:
    """The :data:`WIDTHS` label that describes ``window`` (``"custom"`` when none does)."""
    for label in WIDTHS:
        if window_of_width(window[0], label, bounds) == tuple(window):
            return label
    return CUSTOM_WIDTH


def step_blocked(window: tuple[date, date], step: str, direction: int,
                 bounds: tuple[date, date]) -> str | None:
    """Why ``window`` cannot move one ``step`` in ``direction`` (±1), or ``None`` when it can."""
    if step_window(window, step, direction, bounds) != tuple(window):
        return None
    if tuple(window) == tuple(bounds):
        return "The window covers the whole span of the data, so there is nowhere to step: choose a narrower Window."
    if direction >= 0:
        return f"The window already ends on the last day of the data ({bounds[1]})."
    return f"The window already starts on the first day of the data ({bounds[0]})."


def parse_window(start: str | None, end: str | None, bounds: tuple[date, date]) -> tuple[date, date] | None:
    """A window from ISO dates (e.g. a shared link's ``start``/``end``), clipped to ``bounds``.

    A missing end is the bound's; ``None`` when a date does not parse, the start is after the end,
    or the window misses the data altogether (the caller keeps its default).
    """
    try:
        lo = date.fromisoformat(start) if start else bounds[0]
        hi = date.fromisoformat(end) if end else bounds[1]
    except (TypeError, ValueError):
        return None
    if lo > hi or hi < bounds[0] or lo > bounds[1]:
        return None
    return max(lo, bounds[0]), min(hi, bounds[1])
