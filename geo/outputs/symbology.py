"""How records look on the map: symbol per kind, colour per actor, opacity per precision.

One table each, shared by the map layers, the legend and the tests, so the legend can never
drift from what is drawn.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from geo.core.model import COUNTRY_WHERE_PREC, KIND_LAYERS

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
