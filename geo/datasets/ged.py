"""UCDP Georeferenced Event Dataset (GED) exports: documented columns and how each becomes a record.

GED is published by the Uppsala Conflict Data Program under CC BY 4.0.
"""
from __future__ import annotations

import pandas as pd

from geo.datasets import columns as col
from geo.datasets.mapping import (
    GED_DATE_PREC,
    GED_WHERE_PREC,
    EventTypes,
    coarser,
    footprints,
    ged_kinds,
    range_precision,
)
from geo.datasets.reading import text_column

NAME = "UCDP GED"
ID_PREFIX = "ged"
URL = "https://ucdp.uu.se/downloads/"
LICENCE = ("UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, licensed CC BY 4.0: "
           "credit UCDP and cite the GED reference article (Sundberg & Melander 2013).")

REQUIRED: tuple[str, ...] = ("id", "date_start", "date_end", "where_prec", "latitude", "longitude",
                             "type_of_violence")
DOCUMENTED: tuple[str, ...] = (
    *REQUIRED, "relid", "year", "active_year", "code_status", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_coordinates", "where_description", "adm_1",
    "adm_2", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
ACTOR_COLUMNS: tuple[str, ...] = ("side_a", "side_b")


def convert(rows: pd.DataFrame, types: EventTypes, checks: col.RowChecks) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The record-building columns of every row, and its actor-name columns."""
    t = {name: text_column(rows, name) for name in DOCUMENTED}
    where_prec = col.codes(t["where_prec"], "where_prec", GED_WHERE_PREC, checks)
    date_prec = col.codes(t["date_prec"], "date_prec", GED_DATE_PREC, checks, required=False)
    start = col.dates(t["date_start"], "date_start", checks)
    end = col.dates(t["date_end"], "date_end", checks)
    precision = coarser(range_precision(start, end), date_prec.map(GED_DATE_PREC).astype("str"))

    kinds = ged_kinds(types, t["type_of_violence"])
    checks.add(t["type_of_violence"].notna().to_numpy() & ~kinds["known"].to_numpy(), "type_of_violence",
               "not in the event-type table (expected 1, 2 or 3): " + col.shown(t["type_of_violence"]))
    checks.add(t["type_of_violence"].isna(), "type_of_violence", "is empty")

    where = t["where_coordinates"].fillna(t["adm_2"]).fillna(t["adm_1"])
    label = kinds["label"].astype("str").fillna("Organised violence")
    best, low, high = (col.counts(t[c], c, checks) for c in ("best", "low", "high"))
    deaths = ("Deaths (UCDP estimates): best " + best.astype("str") + (", low " + low.astype("str")).fillna("")
              + (", high " + high.astype("str")).fillna("") + ".")
    summary = (t["dyad_name"].fillna(t["conflict_name"]) + ". ").fillna("") + deaths.fillna("")
    detail = (NAME + " date_start " + t["date_start"].fillna("?") + ", date_end " + t["date_end"].fillna("?")
              + ", date_prec " + t["date_prec"].fillna("?") + ", where_prec " + t["where_prec"].fillna("?")
              + ("; where: " + t["where_description"]).fillna("")
              + ("; GED source: " + t["source_article"]).fillna("") + ".")
    return pd.DataFrame({
        "event": t["id"],
        "kind": kinds["kind"].to_numpy(dtype=object),
        "subtype": kinds["subtype"].to_numpy(dtype=object),
        "known_type": kinds["known"].to_numpy(),
        "type_label": label,
        "title": label + (" in " + where).fillna(""),
        "summary": summary.replace("", None),
        "place_text": where + (" (" + t["adm_1"] + ")").where(t["adm_1"].notna() & (t["adm_1"] != where), ""),
        "latitude": col.numbers(t["latitude"], "latitude", checks),
        "longitude": col.numbers(t["longitude"], "longitude", checks),
        "geo_precision": pd.Series(pd.NA, index=rows.index, dtype="Int64"),
        "where_prec": where_prec,
        "uncertainty_m": footprints(where_prec, GED_WHERE_PREC),
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "fatalities": best,
        "detail": detail,
    }, index=rows.index), pd.DataFrame({c: t[c] for c in ACTOR_COLUMNS}, index=rows.index)
