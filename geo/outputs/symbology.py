"""How records look on every map: symbol per kind, colour per actor, opacity per precision, pin or area.

One table each and one display rule, shared by the web map (:mod:`geo.outputs.webmap`), the static
map images (:mod:`geo.outputs.static`), their legends and the tests, so no map can drift from another.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gazetteer import geodesy
from gazetteer.settings import PIN_MAX_UNCERTAINTY_M
from geo.core.model import COUNTRY_WHERE_PREC, KIND_LAYERS
from geo.outputs.geometry import round_coordinates

#: A view with more records than this is partly binned (largest layers first) — see module doc.
MAX_FEATURES = 1000
#: Display simplification tolerance in degrees (~200 m: below what a footprint's uncertainty means).
SIMPLIFY_DEG = 0.002
#: Vertices of a point's uncertainty circle on screen: after simplifying to ``SIMPLIFY_DEG`` a
#: finer (gazetteer default) circle sends no more points, at several times the cost.
CIRCLE_VERTICES = 32
#: Decimals of coordinates sent to the browser (~1 m); exports keep full precision.
COORD_DECIMALS = 5
#: Town types shown with labels, and the population above which a GeoNames town counts as a city.
TOWN_TYPES = frozenset({"city", "capital"})
TOWN_MIN_POPULATION = 50_000

#: Symbol of an exact point per kind (drawn by the ``DesertAtlas.ShapeMarker`` JS class).
KIND_SHAPES: dict[str, str] = {
    "facility": "square",
    "deployment": "triangle",
    "movement": "circle",
    "strike": "star",
    "operation": "diamond",
    "statement": "ring",
}
#: Human label of each kind's layer.
LAYER_LABELS: dict[str, str] = {
    "facilities": "Facilities",
    "deployments": "Deployments",
    "movements": "Movements",
    "strikes": "Strikes",
    "operations": "Operations",
    "statements": "Statements",
}
KIND_LABELS: dict[str, str] = {kind: LAYER_LABELS[layer] for kind, layer in KIND_LAYERS.items()}

#: Fill opacity by ACLED ``geo_precision`` (1 exact place … 3 a region): precise = stronger.
PRECISION_OPACITY: dict[int, float] = {1: 0.8, 2: 0.4, 3: 0.18}
#: Fill opacity of a record known only to the country (UCDP ``where_prec`` ≥ 6): barely tinted.
COUNTRY_OPACITY = 0.06
PRECISION_LABELS: dict[int, str] = {
    1: "exact place",
    2: "near a place / small area",
    3: "region",
}
COUNTRY_LABEL = "country only"

#: Outline dash pattern of a record whose date is coarser than a day ("possible range").
COARSE_DASH = "5 4"
#: Date precisions drawn as exact ("day"); every other one is coarse.
EXACT_DATE_PRECISION = "day"

#: Colour of an actor missing from the registry, and the palette for registries without colours.
FALLBACK_COLOR = "#777777"
_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def safe_color(value: Any, default: str = FALLBACK_COLOR) -> str:
    """A ``#rgb``/``#rrggbb`` colour, or ``default`` (colours end up in SVG attributes and CSS)."""
    return value if isinstance(value, str) and _COLOR_RE.match(value) else default


class ActorColors(dict):
    """Actor id → colour; an id without a (valid) registry colour gets a stable palette colour."""

    def __missing__(self, ident: str) -> str:
        color = _PALETTE[sum(map(ord, str(ident))) % len(_PALETTE)] if ident else FALLBACK_COLOR
        self[ident] = color
        return color


def actor_colors(actors: Mapping[str, Any] | None, ids: Any = ()) -> ActorColors:
    """Colours of the registry's actors (validated), plus palette colours for ``ids`` not in it."""
    out = ActorColors()
    for ident, actor in (actors or {}).items():
        color = safe_color(getattr(actor, "color", None), "")
        if color:
            out[ident] = color
    for ident in ids:
        out[ident]  # noqa: B018 - fills the palette colour
    return out


def actor_names(actors: Mapping[str, Any] | None) -> dict[str, str]:
    return {ident: str(getattr(a, "name", None) or ident) for ident, a in (actors or {}).items()}


def precision_level(frame: pd.DataFrame) -> np.ndarray:
    """0 = country only, else the ACLED code 1–3 (missing codes count as 3, the coarsest)."""
    geo = frame["geo_precision"].astype("Float64").fillna(3).clip(1, 3).to_numpy(dtype="float64").astype("int64")
    where = frame["where_prec"].astype("Float64").fillna(0).to_numpy(dtype="float64")
    return np.where(where >= COUNTRY_WHERE_PREC, 0, geo)


def fill_opacity(level: np.ndarray) -> np.ndarray:
    """Opacity per :func:`precision_level` value."""
    table = np.array([COUNTRY_OPACITY, PRECISION_OPACITY[1], PRECISION_OPACITY[2], PRECISION_OPACITY[3]])
    return table[np.asarray(level, dtype="int64")]


def is_coarse_date(frame: pd.DataFrame) -> np.ndarray:
    return (frame["date_precision"].fillna("").to_numpy(dtype=object) != EXACT_DATE_PRECISION)


def display_geometries(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(geometries, is_pin)``: what the browser draws for each row, honestly.

    A pin only for a Point at geo_precision 1 that is not country-level and whose uncertainty is
    within the gazetteer's pin limit (``PIN_MAX_UNCERTAINTY_M``); any other Point becomes its
    geodesic uncertainty circle.  Areas and lines are simplified below the scale their precision
    means and rounded.
    """
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    type_id = shapely.get_type_id(geoms)
    level = precision_level(frame)
    radius = frame["uncertainty_m"].astype("float64").to_numpy()
    pointish = np.isin(type_id, (0, 4))
    exact = (frame["geo_precision"].astype("Float64") == 1).to_numpy(dtype=bool, na_value=False)
    pin = pointish & exact & (level > 0) & ~(radius > PIN_MAX_UNCERTAINTY_M)
    out = geoms.copy()
    fuzzy = pointish & ~pin
    if fuzzy.any():
        centre = shapely.centroid(geoms[fuzzy])
        r = np.where(np.isfinite(radius[fuzzy]), radius[fuzzy], 25_000.0)
        out[fuzzy] = geodesy.circles(shapely.get_x(centre), shapely.get_y(centre),
                                     np.maximum(r, PIN_MAX_UNCERTAINTY_M), vertices=CIRCLE_VERTICES)
    shapes = ~pin
    if shapes.any():
        out[shapes] = shapely.simplify(out[shapes], SIMPLIFY_DEG, preserve_topology=True)
    return round_coordinates(out, COORD_DECIMALS), pin


def mapped_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows with a drawable geometry (unmapped statements have none)."""
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    return ~(pd.isna(geoms) | shapely.is_empty(geoms))


def layers_to_bin(counts: Mapping[str, int], max_features: int) -> set[str]:
    """Largest layers first until the rest fit in ``max_features``."""
    binned: set[str] = set()
    total = sum(counts.values())
    for layer, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if total <= max_features:
            break
        binned.add(layer)
        total -= count
    return binned
