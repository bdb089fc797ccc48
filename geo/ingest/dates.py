"""Dates as reports write them ("on Tuesday", "June 1", "10 days ago", "the last two months").

Each phrase becomes a window ``[date_start, date_end]`` counted back from the publication date,
never reaching past it, and its precision is the coarsest unit the window needs — the rule the
data validator applies (``day`` ≤ 1 day, ``week`` ≤ 7, ``month`` ≤ 31, else ``year``) — so a
vague phrase never comes out as a day.  Without a publication date only absolute dates with a
year can be placed; the others are returned with no dates and a note saying why.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo.core.model import range_precision  # the validator's own precision rule

_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.casefold(): i for i, name in enumerate(calendar.day_name)}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "a couple of": 2, "couple of": 2}
_FEW = ("a few", "few", "several", "some")

_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|" \
         r"Nov(?:ember)?|Dec(?:ember)?)"
_COUNT = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?|a\s+couple\s+of|a\s+few|few|several)"
_UNIT = r"(hours?|days?|weeks?|months?|years?)"


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date phrase and the window it stands for (``None`` dates: not placeable)."""

    start: int
    end: int
    text: str
    date_start: date | None
    date_end: date | None
    precision: str | None
    note: str = ""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: Words one of which each pattern needs (a substring test before the regex).
_KEYWORDS = {
    "month_day_year": _MONTH_WORDS, "day_month_year": _MONTH_WORDS, "month_day": _MONTH_WORDS,
    "day_month": _MONTH_WORDS, "month_year": _MONTH_WORDS, "iso": ("-",), "since_year": ("since",),
    "year": ("19", "20"), "hours": ("hour", "today", "this morning", "this evening"),
    "yesterday": ("yesterday", "last night"), "ago": ("ago",), "past_n": ("past", "last", "previous"),
    "this": ("this week", "this month", "this year"), "last": ("last week", "last month", "last year"),
    "weekday": ("day",), "recently": ("recent",), "currently": ("current", "at present", "at the moment"),
}
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("month_day_year", _rx(r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")),
    ("day_month_year", _rx(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})\b")),
    ("iso", _rx(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("month_day", re.compile(r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:km|kilomet|mile|%))")),
    ("day_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b")),
    ("month_year", _rx(r"\b" + _MONTH + r"\s+(\d{4})\b")),
    ("since_year", _rx(r"\bsince\b[^.;]{0,40}?\b(19\d\d|20\d\d)\b")),
    ("year", _rx(r"\b(?:in|during|throughout|of)\s+(19\d\d|20\d\d)\b")),
    ("hours", _rx(r"\b(?:in|over|during|within)\s+the\s+(?:past|last)\s+(?:few\s+|several\s+|\d+\s+|twenty-four\s+)?"
                  r"hours\b|\b(?:a\s+few|several|\d+)\s+hours\s+ago\b|\bearlier\s+today\b|\btoday\b|"
                  r"\bthis\s+(?:morning|evening)\b")),
    ("yesterday", _rx(r"\byesterday\b|\blast\s+night\b")),
    ("ago", _rx(r"\b" + _COUNT + r"\s+" + _UNIT + r"\s+ago\b")),
    ("past_n", _rx(r"\b(?:during|in|over|throughout|for)?\s*the\s+(?:past|last|previous)\s+" + _COUNT + r"?\s*"
                   + _UNIT + r"\b")),
    ("this", _rx(r"\b(?:earlier\s+|later\s+)?this\s+(week|month|year)\b")),
    ("last", _rx(r"\blast\s+(week|month|year)\b")),
    ("weekday", _rx(r"\b(?:on\s+|last\s+|this\s+past\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                    r"(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("recently", _rx(r"\b(?:recently|in\s+recent\s+(?:days|weeks))\b")),
    ("currently", _rx(r"\b(?:currently|at\s+present|at\s+the\s+moment)\b")),
)


def _count(word: str | None) -> tuple[int, int] | None:
    """``(low, high)`` of a count word ("a few" → 2..6)."""
    if word is None:
        return None
    w = " ".join(word.casefold().split())
    if w.isdigit():
        return int(w), int(w)
    if w in _FEW:
        return 2, 6
    if w in _NUMBERS:
        return _NUMBERS[w], _NUMBERS[w]
    return None


def _month_back(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _month_window(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _window(kind: str, m: re.Match[str], pub: date | None) -> tuple[date, date, str] | None:
    """The window of one match, or ``None`` when it needs a publication date that is missing."""
    g = m.groups()
    if kind == "month_day_year":
        d = date(int(g[2]), _MONTHS[g[0].casefold()[:3]], int(g[1]))
        return d, d, ""
    if kind == "day_month_year":
        d = date(int(g[2]), _MONTHS[g[1].casefold()[:3]], int(g[0]))
        return d, d, ""
    if kind == "iso":
        d = date(int(g[0]), int(g[1]), int(g[2]))
        return d, d, ""
    if kind == "month_year":
        s, e = _month_window(int(g[1]), _MONTHS[g[0].casefold()[:3]])
        return s, e, ""
    if kind == "year":
        return date(int(g[0]), 1, 1), date(int(g[0]), 12, 31), ""
    if kind == "since_year":
        end = pub if pub is not None else date(int(g[0]), 12, 31)
        return date(int(g[0]), 1, 1), end, "" if pub else "open-ended (since); end unknown without --published"
    if pub is None:
        return None
    if kind in ("month_day", "day_month"):
        month_word, day = (g[0], g[1]) if kind == "month_day" else (g[1], g[0])
        month, day = _MONTHS[month_word.casefold()[:3]], int(day)
        year = pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1
        d = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        return d, d, "year taken from the publication date"
    if kind == "hours":
        return pub - timedelta(days=1), pub, ""
    if kind == "yesterday":
        d = pub - timedelta(days=1)
        return d, d, ""
    if kind == "ago":
        low, high = _count(g[0]) or (1, 1)
        unit = g[1].casefold().rstrip("s")
        if unit == "hour":
            return pub - timedelta(days=1), pub, ""
        if unit == "day":
            slack = 0 if high <= 2 else 1 + high // 10
            return pub - timedelta(days=high + slack), pub - timedelta(days=max(low - slack, 0)), ""
        if unit == "week":
            return pub - timedelta(days=7 * high + 3), pub - timedelta(days=max(7 * low - 3, 0)), ""
        if unit == "month":
            return _month_back(pub, high).replace(day=1), min(pub, _month_window(*_ym(_month_back(pub, low)))[1]), ""
        return date(pub.year - high, 1, 1), date(pub.year - low, 12, 31), ""
    if kind == "past_n":
        count = _count(g[0]) if g[0] else (1, 1)
        n = (count or (1, 1))[1]
        unit = g[1].casefold().rstrip("s")
        back = {"hour": timedelta(days=1), "day": timedelta(days=n), "week": timedelta(days=7 * n)}.get(unit)
        if back is not None:
            return pub - back, pub, ""
        if unit == "month":
            return _month_back(pub, n), pub, ""
        return date(pub.year - n, pub.month, 1), pub, ""
    if kind == "this":
        unit = g[0].casefold()
        if unit == "week":
            return pub - timedelta(days=pub.weekday()), pub, ""
        if unit == "month":
            return pub.replace(day=1), pub, ""
        return date(pub.year, 1, 1), pub, ""
    if kind == "last":
        unit = g[0].casefold()
        if unit == "week":
            monday = pub - timedelta(days=pub.weekday() + 7)
            return monday, monday + timedelta(days=6), ""
        if unit == "month":
            return _month_window(*_ym(_month_back(pub.replace(day=1), 1))) + ("",)
        return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), ""
    if kind == "weekday":
        target = _WEEKDAYS[g[0].casefold()]
        back = (pub.weekday() - target) % 7
        if back == 0 and m.group().casefold().startswith(("last", "this past")):
            back = 7
        d = pub - timedelta(days=back)
        return d, d, "the latest such weekday up to the publication date"
    if kind == "recently":
        return pub - timedelta(days=30), pub, ""
    if kind == "currently":
        return pub, pub, "as of publication"
    raise ValueError(kind)


def _ym(d: date) -> tuple[int, int]:
    return d.year, d.month


def find_dates(text: str, start: int, end: int, published: date | None) -> list[DateSpan]:
    """Date phrases of ``text[start:end]`` with their windows, earliest first; overlaps keep the first pattern."""
    taken: list[tuple[int, int]] = []
    out: list[DateSpan] = []
    low = text[start:end].casefold()
    for kind, rx in _PATTERNS:
        if not any(word in low for word in _KEYWORDS[kind]):
            continue
        for m in rx.finditer(text, start, end):
            s, e = m.start(), m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            try:
                window = _window(kind, m, published)
            except ValueError:  # "February 30": not a date
                continue
            taken.append((s, e))
            phrase = " ".join(m.group().split())
            if window is None:
                out.append(DateSpan(s, e, phrase, None, None, None,
                                    f"'{phrase}' is relative and the publication date is unknown (give --published)"))
                continue
            d0, d1, note = window
            if published is not None:
                d1 = min(d1, published)
                d0 = min(d0, d1)
            out.append(DateSpan(s, e, phrase, d0, d1, range_precision((d1 - d0).days + 1), note))
    return sorted(out, key=lambda d: d.start)
