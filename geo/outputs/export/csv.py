"""ACLED-like CSV of records, safe to open in a spreadsheet.

Column names follow ACLED where one exists (``event_id_cnty``, ``event_date``, ``time_precision``,
``actor1``...) so analysts can line our data up with theirs; UCDP's ``where_prec``/``date_prec``
and our provenance columns follow.  Text cells that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or carriage return) get a leading apostrophe; numeric columns are
left numeric.
"""
from __future__ import annotations

from typing import TextIO

import pandas as pd

from geo.core.frame import TEXT_SEP
from geo.outputs.export.geojson import iso_dates

#: ACLED ``time_precision``: 1 = day, 2 = within a week, 3 = within a month or coarser.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
_FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """Prefix ``'`` to text cells a spreadsheet would evaluate (vectorised; NA untouched)."""
    text = values.astype("str")
    risky = text.str.contains(_FORMULA_START, regex=True, na=False).to_numpy(dtype=bool)
    out = values.astype(object).copy()
    out[risky] = "'" + text[risky]
    return out


def _names(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """actor1, actor2 and the remaining (associated) actors from ``actor_names``."""
    parts = frame["actor_names"].astype("str").str.split(TEXT_SEP, regex=False)
    first = parts.str[0]
    second = parts.str[1]
    rest = parts.str[2:].str.join(TEXT_SEP).replace("", None)
    return first, second, rest


def csv_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The export table: one row per record, ACLED-like columns first."""
    actor1, actor2, assoc = _names(frame)
    precision = frame["date_precision"].map(TIME_PRECISION).astype("Int64")
    table = pd.DataFrame({
        "event_id_cnty": frame["id"],
        "event_date": iso_dates(frame["date_start"]),
        "date_end": iso_dates(frame["date_end"]),
        "time_precision": precision,
        "date_precision": frame["date_precision"],
        "date_prec": frame["date_prec"],
        "date_text": frame["date_text"],
        "event_type": frame["kind"],
        "sub_event_type": frame["subtype"],
        "fatalities": frame["fatalities"],
        "actor1": actor1,
        "actor2": actor2,
        "assoc_actor": assoc,
        "actor_ids": frame["actors_str"],
        "location": frame["place_text"].fillna(frame["place_query"]),
        "place_id": frame["place_id"],
        "latitude": frame["latitude"].round(6),
        "longitude": frame["longitude"].round(6),
        "geo_precision": frame["geo_precision"],
        "where_prec": frame["where_prec"],
        "uncertainty_m": frame["uncertainty_m"],
        "title": frame["title"],
        "notes": frame["summary"],
        "comments": frame["notes"],
        "source": frame["source_outlet"],
        "source_via": frame["source_via"],
        "source_url": frame["source_url"],
        "source_published": frame["source_published"],
        "source_caveat": frame["source_caveat"],
        "unverified": frame["unverified"],
        "report_ids": frame["report_ids"].str.join(";"),
        "source_event_id": frame["source_event"],
        "corroborated_by": frame["corroborated_by"],
        "evidence": frame["evidence"],
        "confidence": frame["confidence"],
        "status": frame["status"],
        "first_reported": iso_dates(frame["first_reported"]),
        "last_reported": iso_dates(frame["last_reported"]),
    })
    numeric = {c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])}
    for column in table.columns:
        if column not in numeric:
            table[column] = neutralise_formulas(table[column])
    return table.reset_index(drop=True)


def write_csv(frame: pd.DataFrame, fh: TextIO) -> int:
    """Write the records of ``frame`` as CSV to ``fh``; returns the row count."""
    table = csv_table(frame)
    table.to_csv(fh, index=False, lineterminator="\n")
    return len(table)


def write_links(links: pd.DataFrame, fh: TextIO) -> int:
    """Write corroboration links (:func:`geo.core.corroboration.link_table`) as CSV; returns the row count.

    One row per direction (``record`` → ``other_record``), so the file filters by record alone."""
    table = links.copy()
    for column in ("record", "other_record", "other_source"):
        table[column] = neutralise_formulas(table[column])
    table.to_csv(fh, index=False, lineterminator="\n")
    return len(table)
