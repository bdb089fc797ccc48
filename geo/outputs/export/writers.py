"""Exporting records and context layers to GeoJSON, GeoPackage, KML and CSV.

Layers: one per record kind (``facilities``, ``deployments``, ``movements``, ``strikes``,
``operations``, ``statements``; mapped records only) plus ``zones`` (gazetteer zones) and
``places`` (gazetteer places the exported records reference, with ``record_count``).  Every
record feature carries its provenance and precision, and ``start``/``end`` ISO dates for QGIS's
temporal controller and kepler.gl (the filtering module's time rule: an active facility has no
``end``).  Files are staged and renamed into place together, so a failed export leaves nothing.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import settings
from geo.store.atomic import Staging, staged
from geo.outputs.export.csv import write_csv, write_links
from geo.core.frame import ID_SEP, LIST_COLUMNS
from geo.outputs.export.geojson import write_feature_collection
from geo.outputs.export.kml import placemarks, write_document
from geo.errors import ExportError
from geo.core.corroboration import link_table
from geo.core.filtering import filter_records, visibility_window
from geo.core.model import KIND_LAYERS, PLACES_LAYER, ZONES_LAYER

FORMATS: tuple[str, ...] = ("geojson", "gpkg", "kml", "csv")
#: Corroboration links, written with the CSV export (see :func:`export_frame`).
LINKS_FILE = "links.csv"
RECORD_LAYERS: tuple[str, ...] = tuple(KIND_LAYERS.values())


def record_layer(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Mapped records with their export properties (frame columns plus ``start``/``end``)."""
    mapped = frame[frame.geometry.notna().to_numpy() & ~frame.geometry.is_empty.to_numpy()]
    shown_from, shown_until = visibility_window(mapped)
    out = mapped.copy()
    geometry = out.pop(out.geometry.name)
    out["start"] = shown_from
    out["end"] = shown_until
    return gpd.GeoDataFrame(out, geometry=geometry, crs=frame.crs)


def write_geojson(frame: gpd.GeoDataFrame, fh: BinaryIO, *, name: str | None = None) -> None:
    """Write a frame's mapped records as one RFC 7946 FeatureCollection (the layer files' writer)."""
    write_feature_collection(record_layer(frame), fh, extra={"name": name} if name else None)


def referenced_places(frame: pd.DataFrame, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gazetteer places ``frame``'s records reference, with how many records do."""
    ids = frame["place_refs"].dropna().astype("str").str.split(ID_SEP, regex=False).explode()
    counts = ids[ids != ""].value_counts()
    used = places[places["id"].isin(counts.index)].copy()
    used["record_count"] = used["id"].map(counts).astype("int64")
    return used


def build_layers(frame: gpd.GeoDataFrame, *, zones: gpd.GeoDataFrame | None = None,
                 places: gpd.GeoDataFrame | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Split a (filtered) frame into named layers, context layers included when given."""
    records = record_layer(frame)
    layers: dict[str, gpd.GeoDataFrame] = {}
    if zones is not None:
        layers[ZONES_LAYER] = zones
    for kind, layer in KIND_LAYERS.items():
        layers[layer] = records[(records["kind"] == kind).to_numpy()]
    if places is not None:
        layers[PLACES_LAYER] = referenced_places(frame, places)
    return layers


def _flat(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """List columns joined with ``;`` (GeoPackage and KML have no list fields)."""
    out = gdf.copy()
    for column in LIST_COLUMNS:
        if column in out.columns:
            out[column] = out[column].str.join(ID_SEP).astype("str")
    return out


def _write_geojson(layers: dict[str, gpd.GeoDataFrame], out_dir: Path, st: Staging) -> None:
    for name, gdf in layers.items():
        with open(st.temp_for(out_dir / f"{name}.geojson"), "wb") as fh:
            write_feature_collection(gdf, fh, extra={"name": name})


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], out_dir: Path, st: Staging) -> None:
    temp = st.temp_for(out_dir / f"{settings.EXPORT_BASENAME}.gpkg")
    for name, gdf in layers.items():
        pyogrio.write_dataframe(_flat(gdf), temp, layer=name, driver="GPKG", append=temp.exists(),
                                geometry_type="Unknown" if gdf.empty else None)


def _description(gdf: pd.DataFrame) -> pd.Series:
    """Readable popup text: summary, then source and precision (plain text; escaped later)."""
    if "summary" not in gdf.columns:
        return gdf["feature_type"].astype("str").fillna("")
    summary = gdf["summary"].astype("str").fillna(gdf["title"].astype("str"))
    source = "Source: " + gdf["source_outlet"].astype("str").fillna("unknown")
    caveat = ("\nCaveat: " + gdf["source_caveat"].astype("str")).fillna("")
    precision = ("\nLocation precision: geo_precision " + gdf["geo_precision"].astype("str")
                 + ", where_prec " + gdf["where_prec"].astype("str")).fillna("")
    return summary + "\n" + source + caveat + precision


def _write_kml(layers: dict[str, gpd.GeoDataFrame], out_dir: Path, st: Staging) -> None:
    folders = {}
    for name, gdf in layers.items():
        flat = _flat(gdf)
        is_record = "title" in flat.columns
        folders[name] = placemarks(
            flat, layer=name, name_column="title" if is_record else "name",
            description=_description(flat),
            begin=flat["start"] if is_record else None, end=flat["end"] if is_record else None,
        )
    with open(st.temp_for(out_dir / f"{settings.EXPORT_BASENAME}.kml"), "w", encoding="utf-8",
              newline="\n") as fh:
        write_document(folders, fh, title="Desert Atlas")


def export_frame(frame: gpd.GeoDataFrame, out_dir: Path | str, formats: Iterable[str] = ("geojson",), *,
                 zones: gpd.GeoDataFrame | None = None, places: gpd.GeoDataFrame | None = None,
                 links: pd.DataFrame | None = None) -> list[Path]:
    """Write ``frame`` (already filtered) in each format to ``out_dir``; returns the files written.

    GeoJSON: ``<layer>.geojson`` per layer; GeoPackage/KML: one ``desert-atlas`` file with a
    table/folder per layer; CSV: ``desert-atlas.csv`` with every record (unmapped ones too) and
    ``links.csv``, the corroboration links of those records (``links``: a
    :func:`~geo.core.corroboration.link_table`, default: the links among ``frame``'s own records).
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ExportError(f"unknown format {', '.join(map(repr, unknown))} (expected {', '.join(FORMATS)})"
                          if unknown else "no export format given")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    layers = build_layers(frame, zones=zones, places=places)
    writers: dict[str, Any] = {"geojson": _write_geojson, "gpkg": _write_gpkg, "kml": _write_kml}
    try:
        with staged() as st:
            for fmt in wanted:
                if fmt == "csv":
                    with open(st.temp_for(out / f"{settings.EXPORT_BASENAME}.csv"), "w",
                              encoding="utf-8", newline="") as fh:
                        write_csv(frame, fh)
                    with open(st.temp_for(out / LINKS_FILE), "w", encoding="utf-8", newline="") as fh:
                        write_links(_links_of(frame, links), fh)
                else:
                    writers[fmt](layers, out, st)
            written = st.targets
    except (OSError, ValueError, TypeError, pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError, pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        raise ExportError(f"export to {out} failed: {type(exc).__name__}: {exc}") from exc
    return written


def _links_of(frame: pd.DataFrame, links: pd.DataFrame | None) -> pd.DataFrame:
    """The links whose ``record`` is one of ``frame``'s."""
    table = link_table(frame) if links is None else links
    return table[table["record"].isin(frame["id"]).to_numpy()].reset_index(drop=True)


def export_dataset(dataset: Any, out_dir: Path | str, formats: Sequence[str] = ("geojson",),
                   **filters: Any) -> list[Path]:
    """Filter a :class:`~geo.core.dataset.Dataset` (``filter_records`` keywords) and export it.

    ``links.csv`` (with CSV) lists the exported records' links to *any* record of the dataset, as
    their ``corroborated_by`` column does, so a filtered export still names its corroborators."""
    frame = filter_records(dataset.frame, **filters) if filters else dataset.frame
    links = link_table(dataset.frame) if "csv" in formats else None
    return export_frame(frame, out_dir, formats, zones=dataset.zones, places=dataset.places, links=links)


def view_geojson(frame: pd.DataFrame, *, name: str = "desert-atlas view") -> bytes:
    """The records of a view as one UTF-8 GeoJSON FeatureCollection (what the dashboard downloads)."""
    buffer = io.BytesIO()
    write_geojson(frame, buffer, name=name)
    return buffer.getvalue()
