"""The event dataset: validated records, the registries they cite, and their one flat frame.

:func:`geo.store.loading.load_dataset` builds it from a data folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core.corroboration import annotate
from geo.core.frame import CRS, ID_SEP, TEXT_SEP, conform
from geo.core.validate import UNVERIFIED_RE
from geo.core.model import KIND_LAYERS, Actor, Record, Report

@dataclass(frozen=True)
class Dataset:
    """Everything the map shows: records, the registries they cite, and their flat frame."""

    records: tuple[Record, ...]
    reports: dict[str, Report]
    actors: dict[str, Actor]
    frame: gpd.GeoDataFrame
    #: Gazetteer places of type ``zone`` (e.g. the 55 km zone), drawn as context.
    zones: gpd.GeoDataFrame
    #: Gazetteer places the records reference (ids in ``frame.place_refs``).
    places: gpd.GeoDataFrame
    data_dir: Path


def _join(values: list[Any], sep: str = TEXT_SEP) -> str | None:
    kept = [str(v) for v in dict.fromkeys(values) if v not in (None, "")]
    return sep.join(kept) if kept else None


def records_to_frame(records: tuple[Record, ...] | list[Record], actors: dict[str, Actor]) -> gpd.GeoDataFrame:
    """The flat, typed frame of :data:`geo.core.frame.FRAME_COLUMNS`, one row per record."""
    return join_frames([frame_rows(records, actors)])


def join_frames(parts: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One frame from the rows of several files (:func:`frame_rows`), with corroboration links, which
    only the whole dataset can tell."""
    frame = parts[0] if len(parts) == 1 else conform(pd.concat(parts, ignore_index=True),
                                                     np.concatenate([p.geometry.to_numpy() for p in parts]))
    frame = frame.reset_index(drop=True)
    annotate(frame)
    return frame


def frame_rows(records: tuple[Record, ...] | list[Record], actors: dict[str, Actor]) -> gpd.GeoDataFrame:
    """The frame rows of ``records`` alone (corroboration left empty): what a file's cache keeps."""
    def col(fn: Any) -> list[Any]:
        return [fn(r) for r in records]

    first_ev = [r.evidence[0] if r.evidence else None for r in records]
    data: dict[str, Any] = {
        "id": col(lambda r: r.id),
        "kind": col(lambda r: r.kind),
        "layer": col(lambda r: KIND_LAYERS[r.kind]),
        "subtype": col(lambda r: r.subtype),
        "title": col(lambda r: r.title),
        "summary": col(lambda r: r.summary),
        "actors": col(lambda r: list(r.actors)),
        "actors_str": col(lambda r: ID_SEP.join(r.actors)),
        "actor_names": col(lambda r: TEXT_SEP.join(actors[a].name for a in r.actors)),
        "place_text": col(lambda r: r.place_text),
        "place_id": col(lambda r: r.place_id),
        "place_query": col(lambda r: r.place_query),
        "place_refs": col(lambda r: ID_SEP.join(r.place_refs) or None),
        "latitude": col(lambda r: r.latitude if r.latitude is not None else np.nan),
        "longitude": col(lambda r: r.longitude if r.longitude is not None else np.nan),
        "geo_precision": col(lambda r: r.geo_precision),
        "where_prec": col(lambda r: r.where_prec),
        "uncertainty_m": col(lambda r: r.uncertainty_m if r.uncertainty_m is not None else np.nan),
        "date_start": col(lambda r: r.date_start),
        "date_end": col(lambda r: r.date_end),
        "date_text": col(lambda r: r.date_text),
        "date_precision": col(lambda r: r.date_precision),
        "date_prec": col(lambda r: r.date_prec),
        "first_reported": col(lambda r: r.first_reported),
        "last_reported": col(lambda r: r.last_reported),
        "status": col(lambda r: r.status),
        "report_ids": col(lambda r: [s.report for s in r.sources]),
        "source_outlet": col(lambda r: _join([s.outlet for s in r.sources])),
        "source_via": col(lambda r: _join([s.via for s in r.sources])),
        "source_url": col(lambda r: _join([s.url for s in r.sources])),
        "source_published": col(lambda r: _join([s.published.isoformat() if s.published else None
                                                 for s in r.sources])),
        "source_caveat": col(lambda r: _join([s.caveat for s in r.sources])),
        "unverified": col(lambda r: any(bool(UNVERIFIED_RE.search(s.caveat or "")) for s in r.sources)),
        "evidence": col(lambda r: json.dumps([{"report": e.report, "start": e.start, "end": e.end,
                                              "sha256": e.sha256} for e in r.evidence])),
        "evidence_report": [e.report if e else None for e in first_ev],
        "evidence_start": [e.start if e else None for e in first_ev],
        "evidence_end": [e.end if e else None for e in first_ev],
        "evidence_sha256": [e.sha256 if e else None for e in first_ev],
        "confidence": col(lambda r: r.confidence),
        "notes": col(lambda r: r.notes),
        "fatalities": col(lambda r: r.fatalities),
        "source_event": col(lambda r: _join([s.event for s in r.sources])),
        "corroborated_by": [None] * len(records),  # filled by corroboration.annotate in join_frames
        "corroborated": [False] * len(records),
    }
    for name in ("date_start", "date_end", "first_reported", "last_reported"):
        data[name] = pd.to_datetime(pd.Series(data[name], dtype="object"))
    geometry = np.array(col(lambda r: r.geometry), dtype=object)
    frame = conform(data, geometry)
    fill_representative_points(frame)
    return frame


def fill_representative_points(frame: gpd.GeoDataFrame) -> None:
    """Give rows without a latitude/longitude a point on their geometry (vectorised, in place).

    Areas get a point inside them, lines their midpoint.
    """
    missing = frame["latitude"].isna().to_numpy() & frame.geometry.notna().to_numpy()
    if missing.any():
        geoms = frame.geometry.to_numpy()[missing]
        linear = np.isin(shapely.get_type_id(geoms), (1, 5))  # LineString, MultiLineString
        points = shapely.point_on_surface(geoms)
        # A movement is "somewhere along the route": its midpoint, not an end.
        points[linear] = shapely.line_interpolate_point(geoms[linear], 0.5, normalized=True)
        frame.loc[missing, "longitude"] = shapely.get_x(points)
        frame.loc[missing, "latitude"] = shapely.get_y(points)


def places_frame(places: list[Any]) -> gpd.GeoDataFrame:
    """Gazetteer places as a layer (id, name, type, governorate, representative point, radius)."""
    data = {
        "id": [p.id for p in places],
        "name": [p.name for p in places],
        "feature_type": [getattr(p, "feature_type", None) for p in places],
        "governorate": [getattr(p, "governorate", None) for p in places],
        "latitude": [getattr(p, "lat", None) for p in places],
        "longitude": [getattr(p, "lon", None) for p in places],
        "uncertainty_m": [getattr(p, "uncertainty_m", None) for p in places],
    }
    df = pd.DataFrame(data).astype({"id": "str", "name": "str", "feature_type": "str", "governorate": "str",
                                    "latitude": "float64", "longitude": "float64",
                                    "uncertainty_m": "float64"})
    geoms = np.array([getattr(p, "geometry", None) for p in places], dtype=object)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
