"""ACLED exports: their documented columns and how each becomes part of a record.

ACLED (Armed Conflict Location & Event Data) is used under its terms of use, which require
attribution and restrict redistribution; the caveat of the report entry says so.
"""
from __future__ import annotations

import pandas as pd

from geo.datasets import columns as col
from geo.datasets.mapping import (
    ACLED_GEO_PRECISION,
    ACLED_TIME_PRECISION,
    EventTypes,
    acled_kinds,
    footprints,
)
from geo.datasets.reading import text_column

NAME = "ACLED"
ID_PREFIX = "acled"
URL = "https://acleddata.com/"
LICENCE = ("ACLED data, used under ACLED's terms of use: credit ACLED as the source, and do not republish "
           "the raw rows (keep this imported file out of public repositories).")

#: Columns without which no record can be built.
REQUIRED: tuple[str, ...] = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1",
                             "latitude", "longitude", "geo_precision")
#: Every column ACLED has documented across versions (read when present, otherwise not needed).
DOCUMENTED: tuple[str, ...] = (
    *REQUIRED, "event_id_no_cnty", "data_id", "iso", "iso3", "year", "disorder_type", "sub_event_type",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "region", "country", "admin1", "admin2", "admin3", "location", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
ACTOR_COLUMNS: tuple[str, ...] = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


def convert(rows: pd.DataFrame, types: EventTypes, checks: col.RowChecks) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The record-building columns of every row (bad cells flagged in ``checks``), and its actor names."""
    t = {name: text_column(rows, name) for name in DOCUMENTED}
    geo_precision = col.codes(t["geo_precision"], "geo_precision", ACLED_GEO_PRECISION, checks)
    time_precision = col.codes(t["time_precision"], "time_precision", ACLED_TIME_PRECISION, checks)
    day = col.dates(t["event_date"], "event_date", checks)

    # time_precision 1: the day; 2: the 7 days centred on it; 3: its calendar month.
    tp = time_precision.fillna(1).to_numpy()
    half_week = pd.Timedelta(days=3)
    start = day.where(tp != 2, day - half_week).where(tp != 3, day.dt.to_period("M").dt.start_time)
    end = day.where(tp != 2, day + half_week).where(tp != 3, day.dt.to_period("M").dt.end_time.dt.normalize())

    kinds = acled_kinds(types, t["event_type"], t["sub_event_type"])
    checks.add(t["event_type"].notna().to_numpy() & ~kinds["known"].to_numpy(), "event_type",
               "not in the event-type table (add it to event_types.yaml): " + col.shown(t["event_type"]))
    checks.add(t["event_type"].isna(), "event_type", "is empty")

    what = t["sub_event_type"].fillna(t["event_type"]).fillna("Event")
    where = t["location"].fillna(t["admin2"]).fillna(t["admin1"])
    place = where + (" (" + t["admin1"] + ")").where(t["admin1"].notna() & (t["admin1"] != where), "")
    detail = (NAME + " event_date " + t["event_date"].fillna("?") + ", time_precision "
              + t["time_precision"].fillna("?") + ", geo_precision " + t["geo_precision"].fillna("?")
              + ("; event type " + t["event_type"] + " / " + t["sub_event_type"]).fillna("")
              + ("; ACLED sources: " + t["source"]).fillna("") + ".")
    return pd.DataFrame({
        "event": t["event_id_cnty"],
        "kind": kinds["kind"].to_numpy(dtype=object),
        "subtype": kinds["subtype"].to_numpy(dtype=object),
        "known_type": kinds["known"].to_numpy(),
        "type_label": t["event_type"],
        "title": what + (" in " + where).fillna(""),
        "summary": t["notes"],
        "place_text": place,
        "latitude": col.numbers(t["latitude"], "latitude", checks),
        "longitude": col.numbers(t["longitude"], "longitude", checks),
        "geo_precision": geo_precision,
        "where_prec": pd.Series(pd.NA, index=rows.index, dtype="Int64"),
        "uncertainty_m": footprints(geo_precision, ACLED_GEO_PRECISION),
        "date_start": start,
        "date_end": end,
        "date_precision": time_precision.map(ACLED_TIME_PRECISION).astype("str"),
        "fatalities": col.counts(t["fatalities"], "fatalities", checks),
        "detail": detail,
    }, index=rows.index), pd.DataFrame({c: t[c] for c in ACTOR_COLUMNS}, index=rows.index)
