"""The one definition of ``Dataset.frame``'s columns and dtypes.

Both the loader and the synthetic generator go through :func:`conform`, so the dashboard, the
filters and the exporters can rely on a single shape whatever produced the frame.
"""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

CRS = "EPSG:4326"
DATETIME = "datetime64[ns]"

#: Column → dtype, in frame order.  ``object`` columns hold Python lists.
FRAME_COLUMNS: dict[str, str] = {
    "id": "str",
    "kind": "str",
    "layer": "str",
    "subtype": "str",
    "title": "str",
    "summary": "str",
    "actors": "object",
    "actors_str": "str",
    "actor_names": "str",
    "place_text": "str",
    "place_id": "str",
    "place_query": "str",
    "place_refs": "str",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "Int64",
    "where_prec": "Int64",
    "uncertainty_m": "float64",
    "date_start": DATETIME,
    "date_end": DATETIME,
    "date_text": "str",
    "date_precision": "str",
    "date_prec": "int64",
    "first_reported": DATETIME,
    "last_reported": DATETIME,
    "status": "str",
    "report_ids": "object",
    "source_outlet": "str",
    "source_via": "str",
    "source_url": "str",
    "source_published": "str",
    "source_caveat": "str",
    "unverified": "bool",
    "evidence": "str",
    "evidence_report": "str",
    "evidence_start": "Int64",
    "evidence_end": "Int64",
    "evidence_sha256": "str",
    "confidence": "float64",
    "notes": "str",
    # Imported datasets: reported deaths, and the dataset's event id(s) of the record's sources.
    "fatalities": "Int64",
    "source_event": "str",
    # Corroboration (geo/core/corroboration.py): the other sources reporting the same event.
    "corroborated_by": "str",
    "corroborated": "bool",
}
LIST_COLUMNS: tuple[str, ...] = tuple(c for c, t in FRAME_COLUMNS.items() if t == "object")
DATE_COLUMNS: tuple[str, ...] = tuple(c for c, t in FRAME_COLUMNS.items() if t == DATETIME)

#: Separator of joined id lists (``actors_str``, multi-place ``place_id``).
ID_SEP = ";"
#: Separator of joined human-readable values (actor names, outlets, urls, caveats).
TEXT_SEP = "; "


def conform(data: pd.DataFrame | dict[str, Any], geometry: Any) -> gpd.GeoDataFrame:
    """Return a GeoDataFrame with exactly :data:`FRAME_COLUMNS` (in order, with their dtypes).

    Missing columns are an error rather than silently filled: a producer that forgets one has a
    bug the tests should see.
    """
    df = pd.DataFrame(data).reset_index(drop=True)
    missing = [c for c in FRAME_COLUMNS if c not in df.columns]
    if missing:
        raise KeyError(f"frame is missing columns: {', '.join(missing)}")
    cols = {}
    for name, dtype in FRAME_COLUMNS.items():
        col = df[name]
        if dtype == "object":
            cols[name] = col.astype("object")
        elif dtype == DATETIME:
            cols[name] = pd.to_datetime(col).astype(DATETIME)
        else:
            cols[name] = col.astype(dtype)
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(df)))
    if isinstance(geometry, pd.Series):  # avoid aligning on a foreign index
        geometry = geometry.to_numpy()
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, index=out.index, crs=CRS), crs=CRS)
