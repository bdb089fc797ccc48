"""The drawing steps of the static map, each adding one layer to the map axes.

Every step works in the map's projected metres (:mod:`geo.outputs.static.projection`) and, where it needs
display pixels (symbol sizes, label boxes), in the figure's pixels through :class:`DrawContext`.
Steps that put names on the map return :class:`~geo.outputs.static.labels.LabelRequest` objects rather
than drawing text, so :func:`draw_labels` can place every label at once without overlaps.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.core.gazetteer_access import Gazetteer
from geo.outputs.symbology import COARSE_DASH, KIND_LABELS

#: Labels considered at most (the best ones by priority); bounds placement time on huge views.
MAX_LABEL_CANDIDATES = 400

# Palette: the dashboard's background and zone colours (geo.outputs.webmap.mapping.base_map), plus water for paper.
WATER = "#dde7ed"
LAND = "#eceae4"
LAND_EDGE = "#9aa4a8"
SYRIA = "#fbfaf6"
SYRIA_EDGE = "#444444"
GOV_EDGE = "#888888"
TOWN = "#333333"
ZONE = "#6a3d9a"
ZONE_FILL = 0.04
LABEL_TOWN = "#333333"
LABEL_RECORD = "#111111"
LABEL_COUNTRY = "#8a867c"
LABEL_GOV = "#8f8b82"
FRAME = "#8c8c8c"


def clean(value: Any) -> str:
    """A data value as display text ("" for missing values, whatever their spelling)."""
    text = "" if value is None else str(value).strip()
    return "" if text in ("None", "nan", "<NA>") else text


def plural(n: int, word: str) -> str:
    """"1 record", "2 records"."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def kind_count(kind: str, n: int) -> str:
    """"1 facility", "3 facilities" (the dashboard's layer names give the plurals)."""
    many = KIND_LABELS.get(kind, kind).lower()
    return f"{n:,} {kind if n == 1 else many}"


def place_label(row: pd.Series, places: Mapping[str, str]) -> str:
    """A short place name for a record: its place query with gazetteer ids turned into names.

    Movements read "origin → destination"; a record without a query falls back to its place text.
    """
    tokens = [t.strip() for t in clean(row.get("place_query")).split(";") if t.strip()]
    if not tokens:
        tokens = [t.strip() for t in clean(row.get("place_id")).split(";") if t.strip()]
    names = list(dict.fromkeys(n for n in (places.get(t, t) for t in tokens) if clean(n)))
    if not names:
        return clean(row.get("place_text"))
    return (" → " if row.get("kind") == "movement" else " / ").join(names)


def place_labels(df: pd.DataFrame, rows: np.ndarray, places: Mapping[str, str]) -> np.ndarray:
    """:func:`place_label` of many rows, computed once per distinct place (views repeat places a lot)."""
    cols = ["place_query", "place_id", "place_text", "kind"]
    part = df.iloc[rows][cols].astype(object).where(lambda d: d.notna(), None)
    keys = list(zip(*(part[c].tolist() for c in cols)))
    cache: dict[tuple, str] = {}
    out = np.empty(len(keys), dtype=object)
    for i, key in enumerate(keys):
        if key not in cache:
            cache[key] = place_label(pd.Series(dict(zip(cols, key))), places)
        out[i] = cache[key]
    return out


@dataclass
class DrawContext:
    """What every drawing step needs: the figure scale, the map axes and its transforms."""

    s: float
    dpi: int
    ax: Any
    ext: tuple[float, float, float, float]
    proj: Any

    @property
    def px_per_pt(self) -> float:
        return self.dpi / 72.0

    def to_px(self, xy: Any) -> np.ndarray:
        return self.ax.transData.transform(np.asarray(xy, dtype=float).reshape(-1, 2))

    def to_data(self, xy: Any) -> np.ndarray:
        return self.ax.transData.inverted().transform(np.asarray(xy, dtype=float).reshape(-1, 2))

    @staticmethod
    def dash() -> tuple[float, tuple[float, float]]:
        """The dashboard's coarse-date dash ("5 4" px on its 1.5 px stroke), in line widths.

        matplotlib multiplies dash lengths by the line width, so the same proportions hold at any
        width and resolution.
        """
        on, off = (float(v) for v in COARSE_DASH.split())
        return (0.0, (on / 1.5, off / 1.5))


def zones_in_view(zones: pd.DataFrame | None, proj: Any, view: Any) -> tuple[np.ndarray, np.ndarray] | None:
    from geo.outputs.static.projection import polygonal

    if zones is None or len(zones) == 0:
        return None
    geoms = np.asarray(zones.geometry.to_numpy(), dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return None
    zg = polygonal(proj.geoms(geoms[ok]))
    keep = ~shapely.is_empty(zg) & shapely.intersects(zg, view)
    if not keep.any():
        return None
    names = zones["name"].to_numpy(dtype=object)[ok][keep]
    return zg[keep], np.array([clean(n) or "zone" for n in names], dtype=object)


def prep(ctx: DrawContext, geoms: np.ndarray) -> np.ndarray:
    """Clip to a little beyond the view and simplify to half a pixel (invisible, but much lighter)."""
    x0, y0, x1, y1 = ctx.ext
    mx, my = (x1 - x0) * 0.05, (y1 - y0) * 0.05
    tol = (x1 - x0) / (ctx.ax.get_window_extent().width) * 0.5
    clipped = shapely.clip_by_rect(np.asarray(geoms, dtype=object), x0 - mx, y0 - my, x1 + mx, y1 + my)
    return shapely.simplify(clipped, tol, preserve_topology=True)


def draw_background(ctx: DrawContext, gazetteer: Gazetteer, boundaries: str | None) -> list[Any]:
    """Neighbours, Syria, imported governorates; returns their name labels to place."""
    from matplotlib.collections import PathCollection

    from geo.outputs.static import projection as rg
    from geo.outputs.static.labels import LabelRequest

    s, ax = ctx.s, ctx.ax
    countries = rg.context_countries()
    land = prep(ctx, ctx.proj.geoms(np.array([g for _, g in countries] + [rg.syria_outline()], dtype=object)))
    # The coarse Syria outline is land too: where finer imported borders leave a sliver between it
    # and the coarse neighbours, the sliver reads as neighbouring land, not as sea.
    ax.add_collection(PathCollection(rg.polygon_paths(rg.polygonal(land[-1:])), facecolors=LAND,
                                     edgecolors="none", zorder=0.9))
    ax.add_collection(PathCollection(rg.polygon_paths(rg.polygonal(land[:-1])), facecolors=LAND,
                                     edgecolors=LAND_EDGE, linewidths=0.6 * s, zorder=1, gid="neighbours"))
    syria = land[-1]
    govs: list[Any] = []
    gov_geoms = None
    if boundaries:
        govs = [g for g in (gazetteer.get(f"SY{i:02d}") for i in range(1, 15))
                if g is not None and getattr(g, "shape", None) is not None]
        if govs:
            gov_geoms = prep(ctx, ctx.proj.geoms(np.array([g.shape for g in govs], dtype=object)))
            syria = shapely.union_all(gov_geoms)
    paths = rg.polygon_paths(rg.polygonal(np.array([syria], dtype=object)))
    ax.add_collection(PathCollection(paths, facecolors=SYRIA, edgecolors="none", zorder=2, gid="syria"))
    if gov_geoms is not None:
        ax.add_collection(PathCollection(rg.polygon_paths(rg.polygonal(gov_geoms)), facecolors="none",
                                         edgecolors=GOV_EDGE, linewidths=0.6 * s, linestyles=[(0, (3, 2))],
                                         zorder=3, gid="governorates"))
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=SYRIA_EDGE, linewidths=1.3 * s,
                                     zorder=3.5, gid="syria-border"))

    requests = []
    x0, y0, x1, y1 = ctx.ext
    inner = shapely.box(x0, y0, x1, y1).buffer(-(x1 - x0) * 0.05)
    min_area = (x1 - x0) * (y1 - y0) * 0.012
    for (name, _), g in zip(countries, land[:-1]):
        text = rg.country_label(name)
        part = shapely.intersection(g, inner)
        if not text or part.is_empty or part.area < min_area:
            continue
        pt = rg.label_point(part)
        requests.append(LabelRequest(text, tuple(ctx.to_px([pt.x, pt.y])[0]), 200, 7.2 * s, LABEL_COUNTRY,
                                     style="italic", positions=("C", "N", "S"), radius_px=12 * s * ctx.px_per_pt,
                                     kind="country", gid="label-country"))
    if gov_geoms is not None:
        for g, place in zip(gov_geoms, govs):
            part = shapely.intersection(g, inner)
            if part.is_empty:
                continue
            pt = rg.label_point(part)
            requests.append(LabelRequest(clean(place.name).upper(), tuple(ctx.to_px([pt.x, pt.y])[0]), 20, 5.3 * s,
                                         LABEL_GOV, positions=("C", "S", "N"), radius_px=7 * s * ctx.px_per_pt,
                                         kind="governorate", gid="label-governorate"))
    return requests


def draw_zones(ctx: DrawContext, zones_in: tuple[np.ndarray, np.ndarray]) -> list[Any]:
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_rgba

    from geo.outputs.static.projection import polygon_paths
    from geo.outputs.static.labels import LabelRequest

    s = ctx.s
    geoms, names = zones_in
    ctx.ax.add_collection(PathCollection(polygon_paths(prep(ctx, geoms)), facecolors=to_rgba(ZONE, ZONE_FILL),
                                         edgecolors=ZONE, linewidths=1.1 * s, linestyles=[(0, (8 / 2, 5 / 2))],
                                         zorder=4, gid="zones"))
    out = []
    for g, name in zip(geoms, names):
        b = shapely.bounds(g)
        lo, hi = ctx.to_px([b[0], b[1]])[0], ctx.to_px([b[2], b[3]])[0]
        centre = ((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2)
        # Just outside the zone's outline, above it if there is room, else below or beside.
        out.append(LabelRequest(str(name), centre, 97, 6.0 * s, ZONE, style="italic",
                                positions=("N", "S", "NE", "SE", "NW", "SW"), radius_px=(hi[1] - lo[1]) / 2,
                                kind="zone", gid="label-zone"))
    return out


def draw_areas(ctx: DrawContext, layers: Any) -> None:
    """Record areas, largest first so the small ones stay on top, coloured and dashed as on the dashboard."""
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_rgba

    from geo.outputs.static.projection import polygon_paths
    from geo.outputs.static.records import STROKE_ALPHA

    if not len(layers.area_rows):
        return
    geoms = prep(ctx, layers.area_geoms)
    order = np.argsort(-shapely.area(geoms), kind="stable")
    rows = layers.area_rows[order]
    alpha = layers.area_alpha(rows)
    lw = 0.9 * ctx.s
    face = [to_rgba(c, a) for c, a in zip(layers.fill[rows], alpha)]
    edge = [to_rgba(c, STROKE_ALPHA) for c in layers.stroke[rows]]
    styles = [ctx.dash() if c else "solid" for c in layers.coarse[rows]]
    ctx.ax.add_collection(PathCollection(polygon_paths(geoms[order]), facecolors=face, edgecolors=edge,
                                         linewidths=lw, linestyles=styles, zorder=5, gid="record-areas"))


def draw_routes(ctx: DrawContext, layers: Any, df: pd.DataFrame, places: Mapping[str, str]) -> list[Any]:
    """Movement routes: a line per route, cased in white, with an arrowhead at its end."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    from geo.outputs.static.projection import line_coords
    from geo.outputs.static.labels import LabelRequest
    from geo.outputs.static.records import STROKE_ALPHA

    if not len(layers.route_rows):
        return []
    s = ctx.s
    lw = 1.8 * s
    segs, cols, styles, out = [], [], [], []
    for r, g in zip(layers.route_rows, prep(ctx, layers.route_geoms)):
        color = to_rgba(layers.stroke[r], STROKE_ALPHA)
        parts = [c for c in line_coords(np.array([g], dtype=object)) if len(c) >= 2]
        for coords in parts:
            segs.append(coords)
            cols.append(color)
            styles.append(ctx.dash() if layers.coarse[r] else "solid")
        if parts:
            tail, tip = parts[-1][-2], parts[-1][-1]
            ctx.ax.annotate("", xy=tuple(tip), xytext=tuple(tail), zorder=6.5, annotation_clip=True,
                            arrowprops={"arrowstyle": "-|>,head_length=0.55,head_width=0.3",
                                        "mutation_scale": 12 * s, "color": color, "linewidth": 0,
                                        "shrinkA": 0, "shrinkB": 0})
            text = place_label(df.iloc[r], places)
            mid = shapely.line_interpolate_point(g, 0.5, normalized=True)
            if text and not mid.is_empty:
                out.append(LabelRequest(text, tuple(ctx.to_px([mid.x, mid.y])[0]), 55, 6.0 * s, LABEL_RECORD,
                                        style="italic", radius_px=lw * ctx.px_per_pt, kind="route",
                                        gid="label-record"))
    ctx.ax.add_collection(LineCollection(segs, colors="white", linewidths=lw + 1.6 * s, alpha=0.85, zorder=6,
                                         capstyle="round", gid="route-casing"))
    ctx.ax.add_collection(LineCollection(segs, colors=cols, linewidths=lw, linestyles=styles, zorder=6.2,
                                         capstyle="butt", gid="record-routes"))
    return out


def draw_bins(ctx: DrawContext, layers: Any, df: pd.DataFrame) -> list[Any]:
    """Crowded layers as count circles in a grid (the dashboard's binning), with their counts."""
    from matplotlib.colors import to_rgba

    from geo.outputs.binning import CELL_DEG, bin_radius_px, grid_bins
    from geo.outputs.static.labels import LabelRequest
    from geo.outputs.static.records import actor_pairs

    rows = layers.binned_rows
    if not len(rows):
        return []
    s = ctx.s
    part = df.iloc[rows]
    first, _ = actor_pairs(part)
    bins = grid_bins(part["longitude"].to_numpy(dtype=float, na_value=np.nan),
                     part["latitude"].to_numpy(dtype=float, na_value=np.nan), first, layers.coarse[rows],
                     cell_deg=CELL_DEG)
    x, y = ctx.proj.forward(bins.lon, bins.lat)
    radius_pt = bin_radius_px(bins.count) * 0.75 * s  # the dashboard's screen pixels at 96 dpi
    colors = {a: c for a, c in zip(first, layers.fill[rows])}
    cols = [colors.get(str(bins.actor_categories[t]), "#777777") for t in bins.top_actor]
    order = np.argsort(-bins.count, kind="stable")  # big circles below small ones
    ctx.ax.scatter(x[order], y[order], s=(2 * radius_pt[order]) ** 2, c=[to_rgba(cols[i], 0.45) for i in order],
                   edgecolors=[to_rgba(cols[i], 0.95) for i in order], linewidths=0.8 * s, zorder=7.5,
                   gid="record-bins")
    pxy = ctx.to_px(np.column_stack([x, y]))
    return [LabelRequest(f"{int(c):,}", tuple(pxy[i]), 150 + min(int(c), 1000) / 100, 5.6 * s, "#111111",
                         weight="bold", positions=("C",), kind="count", gid="label-count")
            for i, c in enumerate(bins.count) if c >= 2 and radius_pt[i] >= 5.0 * s]


def draw_towns(ctx: DrawContext, gazetteer: Gazetteer, placer: Any) -> list[Any]:
    """Cities and towns (the dashboard's selection) plus neighbouring capitals for orientation."""
    from geo.outputs.static.labels import LabelRequest
    from geo.outputs.symbology import TOWN_MIN_POPULATION, TOWN_TYPES

    s = ctx.s
    towns = []
    for p in getattr(gazetteer, "places", ()):
        if getattr(p, "feature_type", None) not in TOWN_TYPES:
            continue
        syrian = getattr(p, "country", None) == "SY"
        curated = not str(p.id).startswith("gn:")
        if syrian and (curated or (p.population or 0) >= TOWN_MIN_POPULATION):
            towns.append(p)
        elif not syrian and p.feature_type == "capital":
            towns.append(p)
    if not towns:
        return []
    tx, ty = ctx.proj.forward([p.lon for p in towns], [p.lat for p in towns])
    x0, y0, x1, y1 = ctx.ext
    inside = np.isfinite(tx) & (tx > x0) & (tx < x1) & (ty > y0) & (ty < y1)
    capital = np.array([p.feature_type == "capital" for p in towns])
    size = np.where(capital, 4.6, 3.6) * s
    ctx.ax.scatter(tx[inside], ty[inside], s=size[inside] ** 2, c="white", edgecolors=TOWN,
                   linewidths=np.where(capital[inside], 1.3, 0.9) * s, zorder=7, gid="towns")
    pxy = ctx.to_px(np.column_stack([tx, ty]))
    placer.occupy_points(pxy[inside], size[inside] / 2 * ctx.px_per_pt + 0.5)
    out = []
    for i in np.flatnonzero(inside):
        p = towns[i]
        prio = 50 + 8 * math.log10(max(float(p.population or 1e4), 1e4)) + (12 if capital[i] else 0)
        out.append(LabelRequest(clean(p.name), tuple(pxy[i]), prio, (6.7 if capital[i] else 6.2) * s, LABEL_TOWN,
                                weight="bold" if capital[i] else "normal", radius_px=size[i] / 2 * ctx.px_per_pt,
                                kind="town", gid="label-town"))
    return out


def draw_symbols(ctx: DrawContext, layers: Any, df: pd.DataFrame, places: Mapping[str, str], placer: Any) -> list[Any]:
    """Kind symbols: filled pins at exact places, outlines at areas' points; shared spots fan out."""
    from matplotlib.colors import to_rgba

    from geo.outputs.static.labels import LabelRequest, ellipsize
    from geo.outputs.static.records import PIN_FILL_ALPHA, RING_FILL_ALPHA, STROKE_ALPHA, fan_out, marker_for

    rows = np.concatenate([layers.open_rows, layers.pin_rows])
    if not len(rows):
        return []
    s, px = ctx.s, ctx.px_per_pt
    is_pin = np.concatenate([np.zeros(len(layers.open_rows), bool), np.ones(len(layers.pin_rows), bool)])
    kinds = df["kind"].to_numpy(dtype=object)[rows]
    base = 6.8 * s
    shapes = [marker_for(k) for k in kinds]
    size = np.array([base * sc for _, _, sc in shapes])
    xy = ctx.to_px(np.column_stack([layers.x[rows], layers.y[rows]]))
    # Symbols sharing a spot line up in a short row (pins first, then by kind and colour); rows or
    # symbols that still overlap their neighbours then fan out as little as needed.
    cell = float(size.max()) * px + 0.8 * s * px
    grid = pd.DataFrame({"gx": np.round(xy[:, 0] / cell), "gy": np.round(xy[:, 1] / cell),
                         "pin": ~is_pin, "k": pd.Categorical(kinds, categories=list(KIND_LABELS)),
                         "c": layers.fill[rows], "o": np.arange(len(rows))})
    grid = grid.sort_values(["gx", "gy", "pin", "k", "c", "o"], kind="stable")
    grid["i"] = grid.groupby(["gx", "gy"], sort=False).cumcount()
    grid["n"] = grid.groupby(["gx", "gy"], sort=False)["i"].transform("size")
    order = grid["o"].to_numpy()  # spot by spot, the row order
    grid = grid.sort_values("o", kind="stable")
    i, n = grid["i"].to_numpy(), grid["n"].to_numpy()
    per_row = 5
    ncol, nrow = np.minimum(n, per_row), np.ceil(n / per_row)
    rowed = xy + np.column_stack([(i % per_row - (ncol - 1) / 2) * cell, -(i // per_row - (nrow - 1) / 2) * cell])
    xy_d = np.empty_like(xy)
    xy_d[order] = fan_out(rowed[order], size[order] / 2 * px, gap=0.8 * s * px)
    data = ctx.to_data(xy_d)
    for shape_name, marker in dict.fromkeys((sh, mk) for sh, mk, _ in shapes):  # first-seen order: stable
        for pin in (False, True):
            m = np.array([sh == shape_name for sh, _, _ in shapes]) & (is_pin == pin)
            if not m.any():
                continue
            r = rows[m]
            if pin:
                alpha = RING_FILL_ALPHA if shape_name == "ring" else PIN_FILL_ALPHA
                face = [to_rgba(c, alpha) for c in layers.fill[r]]
                edge = [to_rgba(c, STROKE_ALPHA) for c in layers.stroke[r]]
                lw, z = 1.1 * s, 9
            else:
                face = "white"
                edge = [to_rgba(c, STROKE_ALPHA) for c in layers.fill[r]]
                lw, z = 1.3 * s, 8
            if pin:  # a white halo keeps a pin readable over areas and lines (outlines are white inside)
                ctx.ax.scatter(data[m, 0], data[m, 1], s=(size[m] + 2.2 * s) ** 2, marker=marker, c="white",
                               edgecolors="none", zorder=z - 0.1, alpha=0.9)
            ctx.ax.scatter(data[m, 0], data[m, 1], s=size[m] ** 2, marker=marker, c=face, edgecolors=edge,
                           linewidths=lw, zorder=z, gid=f"symbols-{'pin' if pin else 'area'}-{shape_name}")
    placer.occupy_points(xy_d, size / 2 * px + 1.0)

    # One label per place among the symbols (same text, same cell).
    groups: dict[tuple[str, float, float], list[int]] = {}
    gx, gy = grid["gx"].to_numpy(), grid["gy"].to_numpy()
    for j, text in enumerate(place_labels(df, rows, places)):
        if text:
            groups.setdefault((text, gx[j], gy[j]), []).append(j)
    out = []
    for (text, _, _), js in groups.items():
        pts = xy_d[js]
        centre = pts.mean(axis=0)
        half = float(np.hypot(*(pts - centre).T).max()) + size[js].max() / 2 * px
        prio = (120 if is_pin[js].any() else 90) + min(len(js), 5)
        out.append(LabelRequest(ellipsize(text, 150 * s, 6.5 * s, weight="bold"),
                                (float(centre[0]), float(centre[1])), prio, 6.5 * s, LABEL_RECORD,
                                weight="bold", radius_px=half, kind="record", gid="label-record"))
    return out


def draw_empty(ctx: DrawContext, placer: Any, message: str, detail: str) -> None:
    """A clear notice in the middle of the map (its box is kept free of labels)."""
    from geo.outputs.static.labels import font, text_size_pt

    s, px = ctx.s, ctx.px_per_pt
    box = ctx.ax.get_window_extent()
    cx, cy = (box.x0 + box.x1) / 2, box.y0 + box.height * 0.52
    w1, h1 = text_size_pt(message, 12 * s, "bold")
    w2, h2 = text_size_pt(detail, 7.5 * s)
    pad = 9 * s
    w, h = max(w1, w2) + 2 * pad, h1 + h2 + 2 * pad + 4 * s
    from matplotlib.patches import FancyBboxPatch

    x0, y0 = cx - w / 2 * px, cy - h / 2 * px
    (dx0, dy0), (dx1, dy1) = ctx.to_data([[x0, y0], [x0 + w * px, y0 + h * px]])
    ctx.ax.add_patch(FancyBboxPatch((dx0, dy0), dx1 - dx0, dy1 - dy0, boxstyle="round,pad=0,rounding_size=%g"
                                    % ((dy1 - dy0) * 0.12), facecolor="white", edgecolor="#999999",
                                    linewidth=0.7 * s, alpha=0.95, zorder=12, gid="empty-box"))
    top = y0 + h * px - pad * px
    ctx.ax.text(*ctx.to_data([cx, top])[0], message, ha="center", va="top", zorder=12.5,
                fontproperties=font(12 * s, weight="bold"), color="#333333", parse_math=False, gid="empty-message")
    ctx.ax.text(*ctx.to_data([cx, y0 + pad * px])[0], detail, ha="center", va="bottom", zorder=12.5,
                fontproperties=font(7.5 * s), color="#555555", parse_math=False, gid="empty-detail")
    placer.occupy((x0 - 2 * s * px, y0 - 2 * s * px, x0 + (w + 2 * s) * px, y0 + (h + 2 * s) * px))


def draw_labels(ctx: DrawContext, placer: Any, requests: list[Any]) -> None:
    """Place labels best-first without overlaps (see :mod:`geo.outputs.static.labels`) and draw them."""
    from matplotlib import patheffects

    from geo.outputs.static.labels import font

    record_names = {r.text.casefold() for r in requests if r.kind == "record"}
    requests = [r for r in requests if not (r.kind == "town" and r.text.casefold() in record_names)]
    requests.sort(key=lambda r: -r.priority)
    placed = placer.place(requests[:MAX_LABEL_CANDIDATES], halo_pt=1.1 * ctx.s, gap_pt=1.4 * ctx.s)
    halo = [patheffects.withStroke(linewidth=2.2 * ctx.s, foreground="white")]
    for pl in placed:
        req = pl.request
        x, y = ctx.to_data([pl.x, pl.y])[0]
        ctx.ax.text(x, y, req.text, fontproperties=font(req.size, weight=req.weight, style=req.style),
                    color=req.color, ha=pl.ha, va=pl.va, zorder=10, path_effects=halo, parse_math=False,
                    clip_on=True, gid=req.gid)


def draw_scale_and_north(ctx: DrawContext, placer: Any) -> None:
    """A scale bar in true kilometres and a north arrow, bottom right, kept clear of labels."""
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle

    from geo.outputs.static.projection import metres_per_unit, nice_length_km, north_angle
    from geo.outputs.static.labels import font, text_size_pt

    s, ax, px = ctx.s, ctx.ax, ctx.px_per_pt
    x0, y0, x1, y1 = ctx.ext
    w, h = x1 - x0, y1 - y0
    fsz = 6.0 * s
    base = y0 + 0.04 * h
    k = metres_per_unit(ctx.proj, x1 - 0.13 * w, base)  # ground metres per map unit where the bar lies
    length_km = nice_length_km(0.2 * w * k / 1000.0)
    # Keep the end label ("100 km", centred on the bar's end) inside the frame with a margin.
    end_half = text_size_pt(f"{length_km:g} km", fsz)[0] / 2 * px * (w / ax.get_window_extent().width)
    right = x1 - 0.02 * w - end_half
    bar = length_km * 1000.0 / k
    left = right - bar
    bh = 4.0 * s * px * (h / ax.get_window_extent().height)
    nseg = 4 if (length_km / 4) == int(length_km / 4) else 2
    for i in range(nseg):
        ax.add_patch(Rectangle((left + i * bar / nseg, base), bar / nseg, bh,
                               facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                               linewidth=0.5 * s, zorder=11, gid="scalebar"))
    halo = [patheffects.withStroke(linewidth=2.0 * s, foreground="white")]
    for x, text in ((left, "0"), (left + bar / 2, f"{length_km / 2:g}"), (right, f"{length_km:g} km")):
        ax.text(x, base + bh * 1.5, text, fontproperties=font(fsz), ha="center", va="bottom", zorder=11,
                color="#222222", parse_math=False, gid="scalebar-label", path_effects=halo)
    lo, hi = ctx.to_px([left, base])[0], ctx.to_px([right, base + bh])[0]
    tw = text_size_pt(f"{length_km:g} km", fsz)[0] * px
    th = text_size_pt("0", fsz)[1] * px
    placer.occupy((lo[0] - 6 * s * px, lo[1] - 4 * s * px, hi[0] + tw / 2 + 2 * s * px, hi[1] + th + 5 * s * px))

    # North arrow above the bar's right end, pointing at true north there.
    tip_data = np.array([right - 0.01 * w, base + 0.17 * h])
    ang = math.radians(north_angle(ctx.proj, *tip_data))
    tip = ctx.to_px(tip_data)[0]
    length = 15 * s * px
    direction = np.array([-math.sin(ang), math.cos(ang)])
    tail = tip - direction * length
    ax.annotate("", xy=tuple(ctx.to_data(tip)[0]), xytext=tuple(ctx.to_data(tail)[0]), zorder=11,
                arrowprops={"arrowstyle": "-|>,head_length=0.7,head_width=0.35", "mutation_scale": 10 * s,
                            "color": "#222222", "linewidth": 1.2 * s, "shrinkA": 0, "shrinkB": 0})
    n_at = tip + direction * 2.5 * s * px
    ax.text(*ctx.to_data(n_at)[0], "N", fontproperties=font(7.5 * s, weight="bold"), ha="center", va="bottom",
            color="#222222", zorder=11, parse_math=False, gid="north-label", path_effects=halo)
    nh = text_size_pt("N", 7.5 * s, "bold")[1] * px
    placer.occupy((min(tip[0], tail[0]) - 7 * s * px, min(tip[1], tail[1]) - 2 * s * px,
                   max(tip[0], tail[0]) + 7 * s * px, max(tip[1], tail[1]) + nh + 5 * s * px))
