"""The dashboard map: per-layer GeoJSON (pure, testable) and the offline folium map built from it.

Two steps, so the expensive one can be measured and tested without folium or streamlit:

1. :func:`layer_geojson` turns a (filtered) frame into one GeoJSON FeatureCollection per record
   kind, with style, tooltip and escaped popup HTML in each feature's properties.  Geometry is
   honest: exact points (geometry type Point, geo_precision 1, not country-level, uncertainty ≤
   the gazetteer's pin limit) become small kind-shaped markers, everything else its area or
   uncertainty footprint, routes lines.  A view with more than ``max_features`` records bins its largest
   layers into count circles (:mod:`geo.outputs.binning`) instead of sending one feature each.
2. :func:`build_map` (or :func:`base_map` + :func:`record_groups` for streamlit-folium's
   ``feature_group_to_add``) wraps those collections in folium layers that draw with no network
   (:mod:`geo.outputs.webmap.assets`): a vector background (border, neighbours, imported governorates,
   towns), the zones, optional web tiles (off by default), a legend and a layer control.
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.core.gazetteer_access import Gazetteer
from geo.core.frame import ID_SEP
from geo.outputs.binning import CELL_DEG, bin_radius_px, grid_bins
from geo.outputs.webmap.popups import esc, popup_html
from geo.outputs.geometry import round_coordinates
from geo.outputs.symbology import (COORD_DECIMALS, MAX_FEATURES, SIMPLIFY_DEG, TOWN_MIN_POPULATION, TOWN_TYPES,
                                     display_geometries, layers_to_bin, mapped_mask,
                                     KIND_LABELS, KIND_SHAPES, LAYER_LABELS, PRECISION_OPACITY, actor_colors,
                            actor_names, fill_opacity, is_coarse_date, precision_level)
from geo.core.model import KIND_LAYERS

#: A place search shows at least this radius around a point answer (its town and surroundings).
SEARCH_MIN_RADIUS_M = 8_000
#: Marker radius (px) of an exact point.
PIN_RADIUS_PX = 6
#: Initial view: Syria's extent (south-west, north-east) in lat/lon.
SYRIA_BOUNDS = [[settings.SYRIA_EXTENT[1], settings.SYRIA_EXTENT[0]],
                [settings.SYRIA_EXTENT[3], settings.SYRIA_EXTENT[2]]]
WEB_TILES: tuple[tuple[str, str, str], ...] = (
    ("OpenStreetMap (web)", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     "&copy; OpenStreetMap contributors"),
    ("CartoDB Positron (web)", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
     "&copy; OpenStreetMap contributors &copy; CARTO"),
    ("Esri World Imagery (web)",
     "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
     "Tiles &copy; Esri"),
)
BACKGROUND_NOTE = ("Background: Syria and neighbours from countryinfo (low resolution); towns from the "
                   "gazetteer (GeoNames CC BY and curated entries).")


# --------------------------------------------------------------------------------------------
# 1. pure GeoJSON
# --------------------------------------------------------------------------------------------
def _collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **members, "features": features}


def lead_actors(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's first and second actor ids (``""`` if none), splitting each *distinct* list once."""
    codes, uniques = pd.factorize(frame["actors_str"].fillna(""))
    parts = [str(u).split(ID_SEP)[:2] for u in uniques] + [[]]  # the extra entry serves code -1
    first = np.array([p[0] if p else "" for p in parts], dtype=object)
    second = np.array([p[1] if len(p) > 1 else "" for p in parts], dtype=object)
    return first[codes], second[codes]


def _record_features(rows: pd.DataFrame, *, colors: dict[str, str], reports: Mapping[str, Any] | None,
                     report_dirs: Iterable[Path] | None) -> list[dict[str, Any]]:
    if rows.empty:
        return []
    rows = rows.iloc[np.argsort(-shapely.area(np.asarray(rows.geometry.to_numpy(), dtype=object)), kind="stable")]
    geoms, pin = display_geometries(rows)
    geometry = [json.loads(g) for g in shapely.to_geojson(geoms)]
    level = precision_level(rows)
    opacity = np.round(fill_opacity(level), 3)
    opacity = np.where(pin, np.maximum(opacity, PRECISION_OPACITY[1]), opacity)
    coarse = is_coarse_date(rows)
    first, second = lead_actors(rows)
    fill = [colors[a] for a in first]
    stroke = [colors[b] if b else f for b, f in zip(second, fill)]
    shapes = rows["kind"].map(KIND_SHAPES).fillna("circle").tolist()
    popups = popup_html(rows, reports=reports, report_dirs=report_dirs).tolist()
    tips = esc(rows["title"]).tolist()
    ids = rows["id"].astype(str).tolist()
    features = []
    for i in range(len(rows)):
        props: dict[str, Any] = {"id": ids[i], "c": fill[i], "o": float(opacity[i]), "q": int(level[i]),
                                 "p": popups[i], "t": tips[i]}
        if stroke[i] != fill[i]:
            props["s"] = stroke[i]
        if coarse[i]:
            props["d"] = 1
        if pin[i]:
            props["k"] = shapes[i]
            props["r"] = PIN_RADIUS_PX
        features.append({"type": "Feature", "geometry": geometry[i], "properties": props})
    return features


def _bin_features(lon: np.ndarray, lat: np.ndarray, first: np.ndarray, coarse: np.ndarray, kind: str, *,
                  colors: dict[str, str], names: dict[str, str], cell_deg: float) -> list[dict[str, Any]]:
    if not len(lon):
        return []
    bins = grid_bins(lon, lat, first, coarse, cell_deg=cell_deg)
    label = html.escape(KIND_LABELS.get(kind, kind).lower())
    radius = bin_radius_px(bins.count)
    top = bins.actor_categories[bins.top_actor] if len(bins.actor_categories) else np.full(len(bins.count), "")
    top_names = {a: html.escape(names.get(a, a) or "unknown actor") for a in set(top)}
    xs, ys = np.round(bins.lon, 4).tolist(), np.round(bins.lat, 4).tolist()
    features = []
    for i, (n, n_top, n_coarse, actor) in enumerate(zip(bins.count.tolist(), bins.top_actor_count.tolist(),
                                                        bins.coarse.tolist(), top)):
        # Short on purpose: a crowded view sends thousands of these (the page explains binning).
        popup = (f'<div class="da-popup"><div class="da-title">{n:,} {label}</div>'
                 f"binned in a {cell_deg:g}° cell ({n_coarse:,} with a coarse date); "
                 f"most often first named: {top_names[actor]} ({n_top:,})</div>")
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [xs[i], ys[i]]},
                         "properties": {"n": n, "c": colors[actor], "o": 0.45, "r": float(radius[i]), "p": popup}})
    return features


def layer_geojson(frame: pd.DataFrame, *, actors: Mapping[str, Any] | None = None,
                  reports: Mapping[str, Any] | None = None, report_dirs: Iterable[Path] | None = None,
                  max_features: int = MAX_FEATURES, cell_deg: float = CELL_DEG) -> dict[str, dict[str, Any]]:
    """One FeatureCollection per record layer (all six, possibly empty), in :data:`KIND_LAYERS` order.

    Each collection also says ``records`` (how many records it stands for) and ``aggregated``.
    Feature properties: ``id``, ``c`` fill colour (first actor), ``s`` outline colour (second
    actor), ``o`` fill opacity (location precision), ``d`` = 1 for a coarse date, ``k``/``r``
    marker shape/radius for exact points, ``t`` tooltip and ``p`` popup HTML (both escaped);
    binned features have ``n`` (count) instead of ``id`` and no tooltip.
    """
    mapped = mapped_mask(frame)
    codes, uniques = pd.factorize(frame["kind"])
    code_of = {str(k): i for i, k in enumerate(uniques)}
    rows_of = {kind: np.flatnonzero(mapped & (codes == code_of.get(kind, -2))) for kind in KIND_LAYERS}
    counts = {layer: len(rows_of[kind]) for kind, layer in KIND_LAYERS.items()}
    binned = layers_to_bin(counts, max_features)
    colors = actor_colors(actors)
    names = actor_names(actors)
    if binned:  # whole columns once, as arrays: no per-layer copies of a 100k-row frame
        lon = frame["longitude"].to_numpy(dtype="float64")
        lat = frame["latitude"].to_numpy(dtype="float64")
        first = lead_actors(frame)[0]
        coarse = is_coarse_date(frame)
    out: dict[str, dict[str, Any]] = {}
    for kind, layer in KIND_LAYERS.items():
        sel = rows_of[kind]
        if layer in binned:
            features = _bin_features(lon[sel], lat[sel], first[sel], coarse[sel], kind, colors=colors,
                                     names=names, cell_deg=cell_deg)
        else:
            features = _record_features(frame.iloc[sel], colors=colors, reports=reports, report_dirs=report_dirs)
        out[layer] = _collection(features, name=layer, records=counts[layer], aggregated=layer in binned)
    return out


def background_geojson(gazetteer: Gazetteer | None = None, *,
                       neighbours: Iterable[str] = settings.CONTEXT_COUNTRIES) -> dict[str, dict[str, Any]]:
    """Local vector context: ``neighbours``, ``border``, ``governorates`` (imported only), ``towns``."""
    from gazetteer.loading import country_outline

    out: dict[str, dict[str, Any]] = {}
    near = []
    for country in neighbours:
        try:
            near.append({"type": "Feature", "geometry": shapely.geometry.mapping(country_outline(country)),
                         "properties": {}})
        except Exception:  # an outline missing from countryinfo only loses context, never data
            continue
    out["neighbours"] = _collection(near, name="neighbours")
    syria = country_outline()
    out["border"] = _collection([{"type": "Feature", "geometry": shapely.geometry.mapping(syria),
                                  "properties": {}}], name="border")
    govs: list[dict[str, Any]] = []
    towns: list[dict[str, Any]] = []
    if gazetteer is not None:
        places = list(getattr(gazetteer, "places", []) or [])
        if getattr(gazetteer, "boundaries", None):
            for p in places:
                shape = getattr(p, "shape", None)
                if getattr(p, "feature_type", None) == "governorate" and shape is not None:
                    geom = round_coordinates(np.array([shapely.simplify(shape, SIMPLIFY_DEG)], dtype=object), COORD_DECIMALS)[0]
                    govs.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom),
                                 "properties": {"t": html.escape(f"{p.name} governorate ({p.id})")}})
        for p in places:
            if getattr(p, "feature_type", None) not in TOWN_TYPES or getattr(p, "country", None) != "SY":
                continue
            population = getattr(p, "population", None)
            curated = not str(getattr(p, "id", "")).startswith("gn:")
            if not curated and (population or 0) < TOWN_MIN_POPULATION:
                continue
            towns.append({"type": "Feature",
                          "geometry": {"type": "Point", "coordinates": [round(p.lon, 4), round(p.lat, 4)]},
                          "properties": {"l": html.escape(p.name), "r": 3}})
    out["governorates"] = _collection(govs, name="governorates",
                                      source=str(getattr(gazetteer, "boundaries", "") or ""))
    out["towns"] = _collection(towns, name="towns")
    return out


def zones_geojson(zones: pd.DataFrame | None) -> dict[str, Any]:
    """Gazetteer zones (e.g. the 55 km zone) with their name as tooltip and popup (escaped)."""
    if zones is None or len(zones) == 0:
        return _collection([], name="zones")
    geoms = round_coordinates(shapely.simplify(np.asarray(zones.geometry.to_numpy(), dtype=object), SIMPLIFY_DEG / 4),
                              COORD_DECIMALS)
    features = []
    for geom, name, ident in zip(geoms, esc(zones["name"]), esc(zones["id"])):
        if geom is None or shapely.is_empty(geom):
            continue
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom),
                         "properties": {"t": name, "p": f'<div class="da-popup"><div class="da-title">{name}</div>'
                                                         f'<div class="da-kind">zone · gazetteer id {ident}</div></div>'}})
    return _collection(features, name="zones")


def view_for(geometry: Any, uncertainty_m: float | None = None) -> tuple[tuple[float, float], int]:
    """``((lat, lon), zoom)`` that shows ``geometry`` (a point shows its uncertainty radius)."""
    minx, miny, maxx, maxy = shapely.bounds(geometry)
    lat, lon = (miny + maxy) / 2, (minx + maxx) / 2
    span = max(maxx - minx, (maxy - miny) * 1.2)
    if span <= 0:
        span = 2 * max(float(uncertainty_m or 0), SEARCH_MIN_RADIUS_M) / 111_320.0
    zoom = int(np.clip(math.floor(math.log2(360.0 / span)) - 1, 5, 13))
    return (round(lat, 5), round(lon, 5)), zoom


# --------------------------------------------------------------------------------------------
# 2. folium
# --------------------------------------------------------------------------------------------
def _layer_label(layer: str, collection: Mapping[str, Any]) -> str:
    label = LAYER_LABELS.get(layer, layer)
    count = int(collection.get("records", len(collection.get("features", []))))
    if collection.get("aggregated"):
        return html.escape(f"{label} · {count:,} (binned)")
    return html.escape(f"{label} · {count:,}")


def record_groups(layers: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    """One ``folium.FeatureGroup`` per record layer (for ``st_folium(feature_group_to_add=...)``)."""
    import folium

    from geo.outputs.webmap.js import DataLayer

    groups = []
    for layer, collection in layers.items():
        kind_class = "da-bin" if collection.get("aggregated") else "da-record"
        group = folium.FeatureGroup(name=_layer_label(layer, collection), overlay=True, show=True)
        DataLayer(dict(collection), options={"className": f"{kind_class} da-{layer}"}).add_to(group)
        groups.append(group)
    return groups


def search_group(geometry: Any, label: str) -> Any:
    """The resolved footprint of a place search, as a dashed outline layer."""
    import folium

    from geo.outputs.webmap.js import DataLayer

    geom = round_coordinates(np.array([geometry], dtype=object), COORD_DECIMALS)[0]
    data = _collection([{"type": "Feature", "geometry": shapely.geometry.mapping(geom),
                         "properties": {"t": html.escape(label), "k": "ring", "r": 9}}], name="search")
    group = folium.FeatureGroup(name=html.escape(f"Search: {label}"), overlay=True, show=True)
    DataLayer(data, options={"className": "da-search", "pane": "daSearch", "interactive": False,
                             "color": "#d7191c", "fillOpacity": 0.05,
                             "dashArray": "6 4", "weight": 2.5}).add_to(group)
    return group


def search_result(resolution: Any) -> tuple[tuple[float, float], int, Any] | None:
    """``(center, zoom, layer)`` showing a resolved gazetteer answer, or ``None`` if unresolved."""
    if not getattr(resolution, "resolved", False) or resolution.lat is None or resolution.lon is None:
        return None
    shape = resolution.geometry if resolution.geometry is not None else shapely.Point(resolution.lon,
                                                                                      resolution.lat)
    center, zoom = view_for(shape, resolution.uncertainty_m)
    return center, zoom, search_group(shape, resolution.name or resolution.query)


def describe_resolution(resolution: Any) -> str:
    """``city (geo_precision 1, where_prec 1, ±1.5 km)``: what was found and how precisely."""
    parts = [f"geo_precision {resolution.geo_precision}" if resolution.geo_precision is not None else "",
             f"where_prec {resolution.where_prec}" if resolution.where_prec is not None else "",
             f"±{resolution.uncertainty_m / 1000:.1f} km" if resolution.uncertainty_m else ""]
    detail = ", ".join(p for p in parts if p)
    return (resolution.feature_type or "place") + (f" ({detail})" if detail else "")


def base_map(background: Mapping[str, Mapping[str, Any]] | None = None, *, zones: pd.DataFrame | None = None,
             actors: Mapping[str, Any] | None = None, actor_ids: Iterable[str] | None = None,
             tiles: bool = False, center: tuple[float, float] | None = None, zoom: int | None = None,
             legend: bool = True) -> Any:
    """The part of the map that does not change with the time window: background, zones, legend.

    ``tiles=True`` offers web tile layers in the layer control, unticked (they need the internet).
    """
    import folium

    from geo.outputs.webmap.assets import make_offline
    from geo.outputs.webmap.js import DataLayer, Helpers, Legend
    from geo.outputs.webmap.legend import legend_html

    m = folium.Map(location=list(center) if center else [34.8, 38.9], zoom_start=zoom or 7, tiles=None,
                   control_scale=True, prefer_canvas=False)
    Helpers().add_to(m)
    bg = background or {}
    context = {"interactive": False, "className": "da-context", "pane": "daContext"}
    land = {"interactive": False, "className": "da-land", "pane": "daLand", "stroke": False, "fillOpacity": 1}
    if bg.get("neighbours", {}).get("features"):
        DataLayer(dict(bg["neighbours"]), options={**land, "fillColor": "#eceae4"}).add_to(m)
        DataLayer(dict(bg["neighbours"]), options={**context, "color": "#9aa4a8", "weight": 1,
                                                   "fill": False}).add_to(m)
    if bg.get("border", {}).get("features"):
        DataLayer(dict(bg["border"]), options={**land, "fillColor": "#fbfaf6"}).add_to(m)
        DataLayer(dict(bg["border"]), name="Syria border", control=True,
                  options={**context, "color": "#444444", "weight": 2, "fill": False}).add_to(m)
    if bg.get("governorates", {}).get("features"):
        DataLayer(dict(bg["governorates"]), name="Governorates (imported)", control=True,
                  options={"className": "da-context", "pane": "daContext", "color": "#888888", "weight": 1,
                           "fillOpacity": 0, "dashArray": "3 3"}).add_to(m)
    zone_data = zones_geojson(zones)
    if zone_data["features"]:
        DataLayer(zone_data, name="Zones", control=True,
                  options={"className": "da-zone", "pane": "daContext", "color": "#6a3d9a", "weight": 2, "fillOpacity": 0.04,
                           "dashArray": "8 5"}).add_to(m)
    if bg.get("towns", {}).get("features"):
        DataLayer(dict(bg["towns"]), name="Towns", control=True,
                  options={**context, "color": "#333333", "fillColor": "#ffffff", "fillOpacity": 1,
                           "weight": 1.5, "radius": 3}).add_to(m)
    if tiles:
        for name, url, attr in WEB_TILES:
            folium.TileLayer(url, name=name, attr=attr, overlay=True, show=False, control=True).add_to(m)
    if legend:
        note = BACKGROUND_NOTE
        source = bg.get("governorates", {}).get("source")
        if source:
            note += f" Governorates: {source}."
        Legend(legend_html(actors, actor_ids=actor_ids)
               + f'<div class="da-row" style="white-space:normal;max-width:220px;color:#666">'
                 f"{html.escape(note)}</div>").add_to(m)
    if center is None:
        m.fit_bounds(SYRIA_BOUNDS)
    return make_offline(m)


def build_map(frame: pd.DataFrame, *, zones: pd.DataFrame | None = None,
              background: Mapping[str, Mapping[str, Any]] | None = None,
              center: tuple[float, float] | None = None, zoom: int | None = None, tiles: bool = False,
              actors: Mapping[str, Any] | None = None, reports: Mapping[str, Any] | None = None,
              report_dirs: Iterable[Path] | None = None, max_features: int = MAX_FEATURES,
              layers: Mapping[str, Mapping[str, Any]] | None = None) -> Any:
    """A complete offline ``folium.Map`` of ``frame`` (already filtered): base map, layers, control.

    Pass precomputed ``layers`` (from :func:`layer_geojson`) to avoid building them twice.
    """
    import folium

    from geo.outputs.webmap.assets import make_offline

    if layers is None:
        layers = layer_geojson(frame, actors=actors, reports=reports, report_dirs=report_dirs,
                               max_features=max_features)
    ids = [a for v in frame["actors"] if isinstance(v, (list, tuple)) for a in v]
    m = base_map(background, zones=zones, actors=actors, actor_ids=list(dict.fromkeys(ids)) or None,
                 tiles=tiles, center=center, zoom=zoom)
    for group in record_groups(layers):
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return make_offline(m)


def payload_bytes(layers: Mapping[str, Mapping[str, Any]]) -> int:
    """Bytes of record-layer data a view sends to the browser (as :mod:`geo.outputs.webmap.js` encodes it)."""
    from geo.outputs.webmap.js import js_literal

    return sum(len(js_literal(dict(c)).encode("utf-8")) for c in layers.values())
