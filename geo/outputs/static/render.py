"""Report-ready static maps: ``python -m geo render`` and the dashboard's "PNG of this view" button.

One code path draws both: :func:`render_figure` turns a (filtered) ``Dataset.frame`` into a
matplotlib figure — vector background, the records with the dashboard's symbology
(:mod:`geo.outputs.symbology`, shared with :mod:`geo.outputs.webmap.mapping`), the 55 km zone, legend, true-kilometre
scale bar, north arrow, caption with the date window, filters, sources and attribution — and
:func:`render_png` / :func:`render_file` serialise it.  Nothing touches the network, and the same
data and options give byte-identical files (fixed font, no timestamps, salted SVG ids).

Sizes: ``width`` is in pixels and ``dpi`` sets the physical size (``width / dpi`` inches).  The
drawing is proportional to the width, so it looks the same at any dpi and reads well when pasted
at page width into a report.
"""
from __future__ import annotations

import io
import math
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.core.model import Actor
from geo.core.problems import ProblemLog
from geo.errors import GeoError
from geo.store.folder import DataFolder

# --- documented defaults ------------------------------------------------------------------------
#: Default image width in pixels and resolution: 8 inches at 300 dpi, a page-wide print figure.
DEFAULT_WIDTH_PX = 2400
DEFAULT_DPI = 300
#: Accepted ranges (smaller images cannot hold a legible legend; larger ones are a typo).
WIDTH_RANGE_PX = (800, 12_000)
DPI_RANGE = (50, 1200)
#: Default map extent (lon_min, lat_min, lon_max, lat_max): Syria with a margin of context.
DEFAULT_BBOX: tuple[float, float, float, float] = (35.35, 32.05, 42.75, 37.55)
#: File formats by extension.
FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DEFAULT_TITLE = "Reported military activity in Syria"
#: What :func:`describe_filters` says when nothing is filtered (the subtitle then omits filters).
NO_FILTERS = "none"
#: Salt of SVG element ids (any fixed string makes SVG output reproducible).
SVG_HASHSALT = "desert-atlas"

#: Design sizes are points on a figure this wide; everything scales with the real width.
_REF_WIDTH_PT = 576.0
_LOCK = threading.Lock()  # matplotlib is not thread-safe; the dashboard may click twice

class RenderError(GeoError, ValueError):
    """The map cannot be rendered as asked (bad option, unwritable path, ...)."""


# --- argument checks ------------------------------------------------------------------------------
def parse_bbox(value: str | Sequence[float]) -> tuple[float, float, float, float]:
    """``"lon_min,lat_min,lon_max,lat_max"`` (or four numbers) → a checked tuple."""
    parts: Sequence[Any] = value.split(",") if isinstance(value, str) else value
    try:
        nums = tuple(float(p) for p in parts)
    except (TypeError, ValueError) as exc:
        raise RenderError(f"bbox: expected four numbers lon_min,lat_min,lon_max,lat_max, got {value!r}") from exc
    if len(nums) != 4 or not all(math.isfinite(n) for n in nums):
        raise RenderError(f"bbox: expected four numbers lon_min,lat_min,lon_max,lat_max, got {value!r}")
    x0, y0, x1, y1 = nums
    problems = []
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180):
        problems.append("longitudes must be within -180..180")
    if not (-85 <= y0 <= 85 and -85 <= y1 <= 85):
        problems.append("latitudes must be within -85..85")
    if x1 <= x0 or y1 <= y0:
        problems.append("min must be below max")
    elif x1 - x0 > 90 or y1 - y0 > 60:
        problems.append("at most 90° of longitude by 60° of latitude")
    if problems:
        raise RenderError(f"bad bbox {value!r}: " + "; ".join(problems))
    return nums  # type: ignore[return-value]


def _check_size(width: int, dpi: int) -> tuple[int, int]:
    try:
        w, d = int(width), int(dpi)
    except (TypeError, ValueError) as exc:
        raise RenderError(f"width and dpi must be whole numbers, got {width!r} and {dpi!r}") from exc
    if not WIDTH_RANGE_PX[0] <= w <= WIDTH_RANGE_PX[1]:
        raise RenderError(f"width {w} px is outside {WIDTH_RANGE_PX[0]}..{WIDTH_RANGE_PX[1]}")
    if not DPI_RANGE[0] <= d <= DPI_RANGE[1]:
        raise RenderError(f"dpi {d} is outside {DPI_RANGE[0]}..{DPI_RANGE[1]}")
    return w, d


def describe_filters(*, actors: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
                     actor_names: Mapping[str, str] | None = None) -> str:
    """The caption's description of actor / kind filters (what the CLI was asked for)."""
    parts = []
    if actors:
        names = [(actor_names or {}).get(a, a) for a in actors]
        parts.append(("actor" if len(names) == 1 else "actors") + " " + ", ".join(names))
    if kinds:
        from geo.core.model import LAYER_KINDS

        ks = [LAYER_KINDS.get(k, k) for k in kinds]
        parts.append(("kind" if len(ks) == 1 else "kinds") + " " + ", ".join(ks))
    return "; ".join(parts) if parts else f"{NO_FILTERS} (all actors and kinds)"


# --- actors default -------------------------------------------------------------------------------
def _default_actors() -> dict[str, Actor]:
    """The data folder's actor registry (its problems raised as one ``DatasetError``)."""
    log = ProblemLog()
    actors = DataFolder.at().actors(log)
    log.raise_if_any()
    return actors


# --- page layout ------------------------------------------------------------------------------------
def _fit_extent(bounds: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """Grow ``bounds`` (x0, y0, x1, y1) symmetrically to exactly height/width = ``aspect``."""
    x0, y0, x1, y1 = bounds
    w, h = x1 - x0, y1 - y0
    if h / w < aspect:
        pad = (w * aspect - h) / 2
        return x0, y0 - pad, x1, y1 + pad
    pad = (h / aspect - w) / 2
    return x0 - pad, y0, x1 + pad, y1


def _window_text(start: date | None, end: date | None, df: pd.DataFrame) -> str:
    if start and end:
        return f"{start.isoformat()} to {end.isoformat()}"
    if start:
        return f"from {start.isoformat()}"
    if end:
        return f"until {end.isoformat()}"
    if len(df):
        lo, hi = df["date_start"].min(), df["date_end"].max()
        if pd.notna(lo) and pd.notna(hi):
            return f"all dates (records dated {lo.date().isoformat()} to {hi.date().isoformat()})"
    return "all dates"


@dataclass(frozen=True)
class _Page:
    """Where everything goes on the page, in points (``s`` turns design points into real ones)."""

    s: float
    width_pt: float
    height_pt: float
    height_px: int
    margin: float
    panel_w: float
    gap: float
    header_h: float
    map_w: float
    map_h: float
    body_h: float
    cap_gap: float
    cap_size: float
    cap_lh: float
    footer_h: float
    extent: tuple[float, float, float, float]
    proj: Any
    layers: Any
    zones_in: Any
    legend: tuple[Any, Any]
    caption: list[Any]

    def frac(self, x: float, y_top: float, w: float, h: float) -> list[float]:
        """A box given from the page's top-left corner, as figure fractions."""
        return [x / self.width_pt, 1 - (y_top + h) / self.height_pt, w / self.width_pt, h / self.height_pt]


def render_figure(
    frame: pd.DataFrame,
    *,
    zones: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    title: str | None = None,
    width: int = DEFAULT_WIDTH_PX,
    dpi: int = DEFAULT_DPI,
    filters_caption: str | None = None,
    bbox: str | Sequence[float] | None = None,
    actors: Mapping[str, Any] | None = None,
    gazetteer: Gazetteer | None = None,
    total: int | None = None,
) -> Any:
    """Build the map figure (a :class:`matplotlib.figure.Figure`, not attached to pyplot).

    ``frame`` is ``Dataset.frame`` or any filtered part of it; the ``start``/``end`` window is
    applied again with :func:`geo.core.filtering.filter_records` (idempotent) so the caption never
    disagrees with the drawing.  ``actors`` (id → Actor, for colours and names) defaults to the
    data folder's registry; ``gazetteer`` (towns, governorates, place names) to the project's.
    ``total`` (records before filtering) only feeds the caption.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from geo.core.filtering import as_day, filter_records

    width, dpi = _check_size(width, dpi)
    box_ll = parse_bbox(bbox) if bbox is not None else DEFAULT_BBOX
    d_start, d_end = as_day(start, "start"), as_day(end, "end", last=True)
    if d_start and d_end and d_end < d_start:
        raise RenderError(f"end {d_end} is before start {d_start}")
    df = filter_records(frame, start=d_start, end=d_end).reset_index(drop=True)
    actors = _default_actors() if actors is None else actors
    gazetteer = get_gazetteer() if gazetteer is None else gazetteer
    # Place names for labels; a governorate says so ("Deir-ez-Zor governorate" is not the city).
    places_by_id = {p.id: f"{p.name} governorate" if p.feature_type == "governorate" else p.name
                    for p in gazetteer.places}
    window = _window_text(d_start, d_end, df)

    page = _lay_out(df, zones, box_ll, width, dpi, window, filters_caption, total, actors, gazetteer, places_by_id)
    # +0.001 px: matplotlib truncates width * dpi, and float error must not cost a pixel.
    fig = Figure(figsize=((width + 0.001) / dpi, (page.height_px + 0.001) / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    _draw_header(fig, page, title, window, filters_caption)
    _draw_map(fig, page, df, dpi, gazetteer, places_by_id, window)
    _draw_legend_and_caption(fig, page)
    return fig


def _lay_out(df: pd.DataFrame, zones: pd.DataFrame | None, box_ll: tuple[float, float, float, float], width: int,
             dpi: int, window: str, filters_caption: str | None, total: int | None, actors: Mapping[str, Any],
             gazetteer: Gazetteer, places_by_id: Mapping[str, str]) -> _Page:
    """Size the map, legend and caption: the map's aspect follows the extent, then grows to fill a
    legend taller than map + caption (a second pass only then)."""
    from geo.outputs.static import draw as dr
    from geo.outputs.static import projection as rg
    from geo.outputs.static.labels import text_size_pt
    from geo.outputs.static.legend import caption_lines, caption_paragraphs, legend_height, legend_sections
    from geo.outputs.static.records import split_records

    width_pt = width / dpi * 72.0
    s = width_pt / _REF_WIDTH_PT
    margin, panel_w, gap = 16.0 * s, 150.0 * s, 14.0 * s
    map_w = width_pt - 2 * margin - panel_w - gap
    proj = rg.projection_for(box_ll)
    pb = rg.projected_bounds(proj, box_ll)
    aspect = min(max((pb[3] - pb[1]) / (pb[2] - pb[0]), 0.55), 1.25)
    boundaries = gazetteer.boundaries
    cap_size = 6.2 * s
    cap_w = map_w  # the caption sits under the map, the legend beside both
    cap_lh = text_size_pt("Ag", cap_size)[1] + 1.6 * s
    cap_gap = 9.0 * s
    for _ in range(2):  # a second pass only when the legend is taller than map + caption
        map_h = map_w * aspect
        ext = _fit_extent(pb, aspect)
        view = shapely.box(*ext)
        layers = split_records(df, proj, view, actors)
        zones_in = dr.zones_in_view(zones, proj, view)
        sections, lst = legend_sections(df, layers, actors, zones_in, bool(boundaries), s, panel_w)
        legend_h = legend_height(sections, lst)
        cap = caption_lines(caption_paragraphs(df, layers, window, filters_caption, total, gazetteer, boundaries,
                                               proj, places_by_id), cap_w, cap_size)
        footer_h = len(cap) * cap_lh
        spare = legend_h - (map_h + cap_gap + footer_h)
        if spare <= 1.0 or aspect >= 1.25:
            break
        aspect = min((map_h + spare) / map_w, 1.25)  # fill the legend's height with map, not white space
    header_h = 40.0 * s
    body_h = max(map_h + cap_gap + footer_h, legend_h)
    height_pt = margin + header_h + body_h + margin
    height_px = int(math.ceil(height_pt / 72.0 * dpi))
    return _Page(s=s, width_pt=width_pt, height_pt=height_px / dpi * 72.0, height_px=height_px, margin=margin,
                 panel_w=panel_w, gap=gap, header_h=header_h, map_w=map_w, map_h=map_h, body_h=body_h,
                 cap_gap=cap_gap, cap_size=cap_size, cap_lh=cap_lh, footer_h=footer_h, extent=ext, proj=proj,
                 layers=layers, zones_in=zones_in, legend=(sections, lst), caption=cap)


def _draw_header(fig: Any, page: _Page, title: str | None, window: str, filters_caption: str | None) -> None:
    """Title, the window and what was selected, the project's name."""
    from geo.outputs.static import draw as dr
    from geo.outputs.static.labels import ellipsize, font

    s, margin, width_pt, H = page.s, page.margin, page.width_pt, page.height_pt
    title_text = ellipsize(" ".join(str(title or DEFAULT_TITLE).split()), width_pt - 2 * margin - 70 * s,
                           13.0 * s, weight="bold")
    fig.text(margin / width_pt, 1 - (margin + 1.0 * s) / H, title_text, fontproperties=font(13.0 * s, weight="bold"),
             color="#111111", va="top", parse_math=False, gid="title")
    sub = f"{window}  ·  {dr.plural(len(page.layers.drawn), 'record')} mapped"
    if filters_caption and not filters_caption.startswith(NO_FILTERS):
        sub += f"  ·  filters: {filters_caption}"
    fig.text(margin / width_pt, 1 - (margin + 20.0 * s) / H, ellipsize(sub, width_pt - 2 * margin, 7.6 * s),
             fontproperties=font(7.6 * s), color="#555555", va="top", parse_math=False, gid="subtitle")
    fig.text(1 - margin / width_pt, 1 - (margin + 3.5 * s) / H, "Desert Atlas",
             fontproperties=font(7.0 * s, weight="bold"), color="#9a9a9a", va="top", ha="right", parse_math=False)


def _draw_map(fig: Any, page: _Page, df: pd.DataFrame, dpi: int, gazetteer: Gazetteer,
              places_by_id: Mapping[str, str], window: str) -> None:
    """The map frame: background, zones, areas, routes, scale and north, bins, towns, symbols, labels."""
    from geo.outputs.static import draw as dr
    from geo.outputs.static.labels import LabelPlacer

    s, ext, layers = page.s, page.extent, page.layers
    ax = fig.add_axes(page.frac(page.margin, page.margin + page.header_h, page.map_w, page.map_h))
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(dr.WATER)
    for spine in ax.spines.values():
        spine.set_edgecolor(dr.FRAME)
        spine.set_linewidth(0.6 * s)
    ctx = dr.DrawContext(s, dpi, ax, ext, page.proj)
    ax_box = ax.get_window_extent()
    placer = LabelPlacer((ax_box.x0 + 2, ax_box.y0 + 2, ax_box.x1 - 2, ax_box.y1 - 2), dpi)

    requests = dr.draw_background(ctx, gazetteer, gazetteer.boundaries)
    if page.zones_in is not None:
        requests += dr.draw_zones(ctx, page.zones_in)
    dr.draw_areas(ctx, layers)
    requests += dr.draw_routes(ctx, layers, df, places_by_id)
    dr.draw_scale_and_north(ctx, placer)
    requests += dr.draw_bins(ctx, layers, df)
    requests += dr.draw_towns(ctx, gazetteer, placer)
    requests += dr.draw_symbols(ctx, layers, df, places_by_id, placer)
    if len(layers.drawn) == 0:
        dr.draw_empty(ctx, placer, "No records in this window" if len(df) == 0 else "No records to draw in this view",
                      window if len(df) == 0 else "See “Not drawn” below the map.")
    dr.draw_labels(ctx, placer, requests)


def _draw_legend_and_caption(fig: Any, page: _Page) -> None:
    """The legend panel beside map and caption; the caption (sources, attribution) under the map."""
    from geo.outputs.static.legend import draw_caption, draw_legend

    top = page.margin + page.header_h
    pax = fig.add_axes(page.frac(page.margin + page.map_w + page.gap, top, page.panel_w, page.body_h))
    pax.set_xlim(0, page.panel_w)
    pax.set_ylim(page.body_h, 0)
    pax.axis("off")
    draw_legend(pax, *page.legend, page.s)
    cax = fig.add_axes(page.frac(page.margin, top + page.map_h + page.cap_gap, page.map_w, page.footer_h))
    cax.set_xlim(0, page.map_w)
    cax.set_ylim(page.footer_h, 0)
    cax.axis("off")
    draw_caption(cax, page.caption, page.cap_size, page.cap_lh)


# --- serialisation ----------------------------------------------------------------------------------
#: matplotlib settings of every render, on top of matplotlib's own defaults (a user's matplotlibrc
#: must not change the image): text drawn as paths in SVG, TrueType in PDF, salted SVG ids.
_RC: dict[str, Any] = {"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path", "pdf.fonttype": 42,
                       "pdf.compression": 6, "hatch.linewidth": 0.6}


def _save(fig: Any, fmt: str) -> bytes:
    """Serialise without anything that changes between runs (software version, dates)."""
    buf = io.BytesIO()
    if fmt == "png":
        metadata: dict[str, Any] = {"Software": None}
    elif fmt == "svg":
        metadata = {"Date": None, "Creator": "Desert Atlas"}
    else:
        metadata = {"CreationDate": None, "ModDate": None, "Creator": "Desert Atlas", "Producer": "Desert Atlas"}
    fig.savefig(buf, format=fmt, dpi=fig.dpi, metadata=metadata, facecolor="white")
    return buf.getvalue()


def render_bytes(frame: pd.DataFrame, *, format: str = "png", **options: Any) -> bytes:  # noqa: A002
    """The map as ``png``, ``svg`` or ``pdf`` bytes (options as :func:`render_figure`)."""
    import matplotlib

    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS.values():
        raise RenderError(f"unknown image format {format!r} (choose from {', '.join(FORMATS.values())})")
    with _LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()  # restored when the context ends
        matplotlib.rcParams.update(_RC)
        return _save(render_figure(frame, **options), fmt)


def render_png(frame: pd.DataFrame, **options: Any) -> bytes:
    """PNG bytes of the map of ``frame`` — the dashboard's "PNG of this view" button.

    Same drawing as ``python -m geo render``; the keyword options are :func:`render_figure`'s
    (``zones``, ``start``/``end``, ``title``, ``width``, ``dpi``, ``filters_caption``, ``bbox``,
    ``actors``, ``gazetteer``, ``total``).
    """
    return render_bytes(frame, format="png", **options)


def check_output_path(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The output path and its format; a clear error for an unknown extension or unwritable folder."""
    out = Path(path)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise RenderError(f"{out}: unknown image type {out.suffix or '(none)'!r} "
                          f"(use {', '.join(FORMATS)})")
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise RenderError(f"{out}: is a folder")
    if not folder.is_dir():
        raise RenderError(f"{out}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise RenderError(f"{out}: not writable")
    return out, fmt


def render_file(path: str | os.PathLike[str], frame: pd.DataFrame, **options: Any) -> Path:
    """Write the map to ``path`` (format from the extension: .png, .svg, .pdf), atomically."""
    from geo.store.atomic import staged

    out, fmt = check_output_path(path)
    data = render_bytes(frame, format=fmt, **options)
    try:
        with staged() as st:
            st.temp_for(out).write_bytes(data)
    except OSError as exc:
        raise RenderError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    return out


def render_dataset(path: str | os.PathLike[str], dataset: Any, *, start: Any = None, end: Any = None,
                   actors: Sequence[str] | None = None, kinds: Sequence[str] | None = None,
                   bbox: str | Sequence[float] | None = None, title: str | None = None,
                   width: int = DEFAULT_WIDTH_PX, dpi: int = DEFAULT_DPI) -> Path:
    """Filter ``dataset`` (:func:`geo.core.filtering.filter_records`) and write its map — the CLI's path."""
    from geo.core.filtering import filter_records

    check_output_path(path)
    _check_size(width, dpi)
    if bbox is not None:
        parse_bbox(bbox)
    unknown = [a for a in actors or () if a not in dataset.actors]
    if unknown:
        raise RenderError(f"unknown actor {', '.join(map(repr, unknown))} (known: {', '.join(sorted(dataset.actors))})")
    frame = filter_records(dataset.frame, start=start, end=end, actors=actors or None, kinds=kinds or None)
    caption = describe_filters(actors=actors, kinds=kinds,
                               actor_names={a: x.name for a, x in dataset.actors.items()})
    return render_file(path, frame, zones=dataset.zones, start=start, end=end, title=title, width=width, dpi=dpi,
                       filters_caption=caption, bbox=bbox, actors=dataset.actors, total=len(dataset.frame))


__all__ = ["DEFAULT_BBOX", "DEFAULT_DPI", "DEFAULT_WIDTH_PX", "FORMATS", "RenderError", "describe_filters",
           "parse_bbox", "render_bytes", "render_dataset", "render_figure", "render_file", "render_png"]
