"""Records of a view → what the static map draws, with the dashboard's rules and symbology.

The honesty rules (which point is a pin, which becomes its uncertainty circle) come from
:func:`geo.outputs.symbology.display_geometries`, and colours/opacities/dashes from :mod:`geo.outputs.symbology`,
so the static map and the dashboard can never disagree about a record.  What the static map adds
is only what paper needs: the kind symbol of an area record is drawn in outline at the area's
representative point (there are no popups on paper), and rows that cannot be drawn honestly are
counted for the caption instead of silently vanishing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.outputs.symbology import (MAX_FEATURES, display_geometries, layers_to_bin, mapped_mask,
                                   KIND_SHAPES, PRECISION_OPACITY, actor_colors, fill_opacity, is_coarse_date, precision_level)

#: Dashboard marker shape → matplotlib marker and a size factor (matching the Leaflet outlines).
MARKERS: dict[str, tuple[str, float]] = {
    "square": ("s", 0.9),
    "triangle": ("^", 1.05),
    "circle": ("o", 1.0),
    "ring": ("o", 1.0),
    "star": ("*", 1.45),
    "diamond": ("D", 0.8),
}
#: Fill opacity of a pin's symbol per shape (the dashboard's pins; a ring is nearly hollow).
PIN_FILL_ALPHA = PRECISION_OPACITY[1]
RING_FILL_ALPHA = 0.15
#: Opacity of outlines and lines (the dashboard's 0.95).
STROKE_ALPHA = 0.95

def _empty_obj() -> np.ndarray:
    return np.empty(0, dtype=object)


@dataclass
class RecordLayers:
    """Row indices (into the window frame) by how each row is drawn, plus per-row style arrays."""

    n: int
    level: np.ndarray
    fill: np.ndarray
    stroke: np.ndarray
    coarse: np.ndarray
    x: np.ndarray
    y: np.ndarray
    drawn: np.ndarray
    country: np.ndarray
    outside: np.ndarray
    unmapped: np.ndarray
    area_rows: np.ndarray
    area_geoms: np.ndarray
    route_rows: np.ndarray
    route_geoms: np.ndarray
    pin_rows: np.ndarray
    open_rows: np.ndarray
    #: Rows drawn as grid count circles instead (crowded layers, as on the dashboard).
    binned_rows: np.ndarray
    binned_kinds: tuple[str, ...]

    def area_alpha(self, rows: np.ndarray) -> np.ndarray:
        return fill_opacity(self.level[rows])


def actor_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """First and second actor id of each row ("" / None when absent)."""
    first, second = [], []
    for value in frame["actors"]:
        items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else []
        first.append(items[0] if items else "")
        second.append(items[1] if len(items) > 1 else None)
    return np.array(first, dtype=object), np.array(second, dtype=object)


def split_records(df: pd.DataFrame, proj: Any, view: Any, actors: Any, *, max_features: int | None = None
                  ) -> RecordLayers:
    """Classify every row of ``df`` (a window of ``Dataset.frame``, index 0..n-1), vectorised.

    Like the dashboard, a view of more than ``max_features`` mapped records (default
    :data:`geo.outputs.symbology.MAX_FEATURES`) draws its largest layers as grid count circles.
    """
    from geo.outputs.static.projection import polygonal
    from geo.core.model import KIND_LAYERS

    n = len(df)
    first, second = actor_pairs(df) if n else (_empty_obj(), _empty_obj())
    colors = actor_colors(actors, [a for a in (*first, *second) if a])
    fill = np.array([colors[a] for a in first], dtype=object)
    stroke = np.array([colors[b] if b else f for b, f in zip(second, fill)], dtype=object)
    level = precision_level(df) if n else np.empty(0, dtype=int)
    coarse = is_coarse_date(df) if n else np.empty(0, dtype=bool)
    lon = df["longitude"].to_numpy(dtype=float, na_value=np.nan) if n else np.empty(0)
    lat = df["latitude"].to_numpy(dtype=float, na_value=np.nan) if n else np.empty(0)
    x, y = proj.forward(lon, lat)

    mapped = mapped_mask(df) if n else np.empty(0, dtype=bool)
    country = mapped & (level == 0)
    todo = np.flatnonzero(mapped & ~country)
    geoms = np.empty(n, dtype=object)
    pin = np.zeros(n, dtype=bool)
    if len(todo):
        shown, is_pin = display_geometries(df.iloc[todo])
        geoms[todo] = proj.geoms(shown)
        pin[todo] = is_pin
    inside = np.zeros(n, dtype=bool)
    if len(todo):
        inside[todo] = shapely.intersects(geoms[todo], view)
    drawn = np.zeros(n, dtype=bool)
    drawn[todo] = inside[todo]
    kinds = df["kind"].to_numpy(dtype=object) if n else np.empty(0, dtype=object)
    counts = {layer: int((kinds[mapped] == kind).sum()) for kind, layer in KIND_LAYERS.items()}
    binned_layers = layers_to_bin(counts, MAX_FEATURES if max_features is None else max_features)
    binned_kinds = tuple(k for k, layer in KIND_LAYERS.items() if layer in binned_layers)
    binned = drawn & np.isin(kinds, binned_kinds)
    binned_rows = np.flatnonzero(binned)
    single = drawn & ~binned

    type_id = np.full(n, -1)
    if single.any():
        type_id[single] = shapely.get_type_id(geoms[single])
    line = single & np.isin(type_id, (1, 5))
    pins = single & pin
    area = single & ~line & ~pins
    areas = np.empty(n, dtype=object)
    if area.any():
        areas[area] = polygonal(geoms[area])
        area[area] = ~shapely.is_empty(areas[area])
    # A pin sits exactly on its point; an area's symbol on the record's representative point.
    if pins.any():
        x[pins], y[pins] = shapely.get_x(geoms[pins]), shapely.get_y(geoms[pins])
    open_ = single & ~line & ~pins
    lost = (open_ | binned) & ~(np.isfinite(x) & np.isfinite(y))
    if lost.any():
        pts = shapely.point_on_surface(geoms[lost])
        x[lost], y[lost] = shapely.get_x(pts), shapely.get_y(pts)
    return RecordLayers(
        n=n, level=level, fill=fill, stroke=stroke, coarse=coarse, x=x, y=y,
        drawn=np.flatnonzero(drawn), country=np.flatnonzero(country),
        outside=np.flatnonzero(mapped & ~country & ~drawn), unmapped=np.flatnonzero(~mapped),
        area_rows=np.flatnonzero(area), area_geoms=areas[area],
        route_rows=np.flatnonzero(line), route_geoms=geoms[line],
        pin_rows=np.flatnonzero(pins), open_rows=np.flatnonzero(open_),
        binned_rows=binned_rows, binned_kinds=binned_kinds,
    )


def marker_for(kind: str) -> tuple[str, str, float]:
    """``(dashboard shape, matplotlib marker, size factor)`` of a record kind."""
    shape = KIND_SHAPES.get(kind, "circle")
    marker, scale = MARKERS.get(shape, ("o", 1.0))
    return shape, marker, scale


__all__ = ["MARKERS", "RecordLayers", "actor_pairs", "fan_out", "marker_for", "split_records"]


def fan_out(xy: np.ndarray, radius: np.ndarray, *, gap: float = 1.0, max_symbols: int = 5000) -> np.ndarray:
    """Positions (display px) where symbols of ``radius`` no longer overlap, moved as little as needed.

    Symbols are taken in order; one that would overlap an earlier symbol tries rings of positions
    around its own spot (6, 12, 18 … candidates, each ring one symbol further out) and takes the
    first free one, so a shared spot becomes a small tidy cluster.  A spatial hash keeps this
    linear; beyond ``max_symbols`` (a very dense view) symbols stay where they are.
    """
    n = len(xy)
    out = np.array(xy, dtype=float, copy=True)
    if n < 2 or n > max_symbols:
        return out
    r = np.asarray(radius, dtype=float)
    cell = 2 * float(r.max()) + gap
    hashed: dict[tuple[int, int], list[int]] = {}
    rings = [np.zeros((1, 2))]
    for k in range(1, 7):
        angles = np.arange(6 * k) * (2 * np.pi / (6 * k))
        rings.append(np.column_stack([np.cos(angles), np.sin(angles)]) * k)
    steps = np.concatenate(rings)
    for i in range(n):
        spacing = 2 * r[i] + gap
        chosen = out[i]
        for step in steps:
            cand = xy[i] + step * spacing
            cx, cy = int(cand[0] // cell), int(cand[1] // cell)
            near = [j for a in (cx - 1, cx, cx + 1) for b in (cy - 1, cy, cy + 1) for j in hashed.get((a, b), ())]
            if not near:
                chosen = cand
                break
            d = np.hypot(out[near, 0] - cand[0], out[near, 1] - cand[1])
            if (d >= r[near] + r[i] + gap).all():
                chosen = cand
                break
        out[i] = chosen
        hashed.setdefault((int(chosen[0] // cell), int(chosen[1] // cell)), []).append(i)
    return out
