"""The legend panel and the caption block of the static map.

Both are laid out in points *before* the figure is sized (so the figure can grow to fit them)
and then drawn with plain matplotlib primitives: no ``ax.legend`` (whose texts would parse
``$...$`` in data strings as math) and no automatic layout (whose result depends on the backend).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.patches as mpatches
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from geo.core.gazetteer_access import Gazetteer
from geo.outputs.static import draw as dr
from geo.outputs.symbology import COUNTRY_LABEL, KIND_LABELS, PRECISION_LABELS, PRECISION_OPACITY, actor_colors
from geo.outputs.static.labels import font, text_size_pt, wrap

TEXT = "#1f1f1f"
MUTED = "#6b6b6b"


@dataclass
class Symbol:
    """What a legend row shows left of its text."""

    kind: str  # "marker", "swatch", "line", "none"
    marker: str = "o"
    face: Any = "none"
    edge: Any = TEXT
    size: float = 6.0  # points (marker size, or swatch height)
    linewidth: float = 0.8
    linestyle: Any = "solid"
    hatch: str | None = None
    arrow: bool = False


@dataclass
class Row:
    text: str
    symbol: Symbol
    count: int | None = None
    gid: str = ""


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str | None = None


@dataclass
class LegendStyle:
    """Sizes in points (already scaled to the figure)."""

    width: float
    title_size: float
    head_size: float
    text_size: float
    note_size: float
    symbol_w: float
    line_gap: float
    section_gap: float


def _row_lines(row: Row, st: LegendStyle) -> list[str]:
    count_w = text_size_pt(f" {row.count:,}", st.text_size)[0] if row.count is not None else 0.0
    return wrap(row.text, st.width - st.symbol_w - count_w - 2.0, st.text_size)


def legend_height(sections: Sequence[Section], st: LegendStyle) -> float:
    """Height in points :func:`draw_legend` will use."""
    lh = text_size_pt("Ag", st.text_size)[1] + st.line_gap
    h = text_size_pt("Legend", st.title_size, "bold")[1] + st.section_gap * 0.6
    for sec in sections:
        h += text_size_pt(sec.title, st.head_size, "bold")[1] + st.line_gap * 1.5
        if sec.note:
            h += len(wrap(sec.note, st.width, st.note_size)) * (text_size_pt("Ag", st.note_size)[1] + 1.0) + 1.0
        for row in sec.rows:
            h += max(len(_row_lines(row, st)) * lh, st.symbol_w * 0.62 + st.line_gap)
        h += st.section_gap
    return h


def _draw_symbol(ax: Axes, sym: Symbol, x: float, y: float, w: float, s: float) -> None:
    """Draw ``sym`` centred vertically on ``y`` in a slot ``[x, x + w]`` (axes units = points)."""
    cx = x + w * 0.42
    if sym.kind == "marker":
        ax.add_line(Line2D([cx], [y], marker=sym.marker, markersize=sym.size, markerfacecolor=sym.face,
                           markeredgecolor=sym.edge, markeredgewidth=sym.linewidth, linestyle="none",
                           gid="legend-symbol"))
    elif sym.kind == "swatch":
        sw, sh = w * 0.78, sym.size
        ax.add_patch(mpatches.Rectangle((cx - sw / 2, y - sh / 2), sw, sh, facecolor=sym.face, edgecolor=sym.edge,
                                        linewidth=sym.linewidth, linestyle=sym.linestyle, hatch=sym.hatch,
                                        gid="legend-swatch"))
    elif sym.kind == "line":
        x0, x1 = cx - w * 0.4, cx + w * 0.4
        ax.add_line(Line2D([x0, x1 - (2.5 * s if sym.arrow else 0)], [y, y], color=sym.edge,
                           linewidth=sym.linewidth, linestyle=sym.linestyle, solid_capstyle="butt",
                           gid="legend-line"))
        if sym.arrow:
            ax.annotate("", xy=(x1 + 1.0 * s, y), xytext=(x1 - 3 * s, y),
                        arrowprops={"arrowstyle": "-|>", "mutation_scale": 7 * s, "color": sym.edge,
                                    "linewidth": 0, "shrinkA": 0, "shrinkB": 0})


def draw_legend(ax: Axes, sections: Sequence[Section], st: LegendStyle, s: float) -> float:
    """Draw the legend top-down from y = 0 (axes y grows downwards, in points); returns its height."""
    lh = text_size_pt("Ag", st.text_size)[1] + st.line_gap
    y = 0.0
    th = text_size_pt("Legend", st.title_size, "bold")[1]
    ax.text(0, y, "Legend", fontproperties=font(st.title_size, weight="bold"), color=TEXT, va="top",
            parse_math=False)
    y += th + st.section_gap * 0.6
    for sec in sections:
        hh = text_size_pt(sec.title, st.head_size, "bold")[1]
        ax.text(0, y, sec.title, fontproperties=font(st.head_size, weight="bold"), color=TEXT, va="top",
                parse_math=False)
        y += hh + st.line_gap * 1.5
        if sec.note:
            nh = text_size_pt("Ag", st.note_size)[1] + 1.0
            for line in wrap(sec.note, st.width, st.note_size):
                ax.text(0, y, line, fontproperties=font(st.note_size, style="italic"), color=MUTED, va="top",
                        parse_math=False)
                y += nh
            y += 1.0
        for row in sec.rows:
            lines = _row_lines(row, st)
            rh = max(len(lines) * lh, st.symbol_w * 0.62 + st.line_gap)
            first_mid = y + lh / 2 - st.line_gap / 2
            _draw_symbol(ax, row.symbol, 0, first_mid, st.symbol_w, s)
            for i, line in enumerate(lines):
                ax.text(st.symbol_w, first_mid + i * lh, line, fontproperties=font(st.text_size), color=TEXT,
                        va="center_baseline", parse_math=False, gid=(row.gid or None) if i == 0 else None)
            if row.count is not None:
                ax.text(st.width, first_mid, f"{row.count:,}", fontproperties=font(st.text_size), color=MUTED,
                        va="center_baseline", ha="right", parse_math=False)
            y += rh
        y += st.section_gap
    return y


@dataclass
class Paragraph:
    """A caption paragraph: a bold ``lead`` ("Sources:") then plain text, wrapped together."""

    lead: str
    text: str


def caption_lines(paragraphs: Sequence[Paragraph], width: float, size: float) -> list[tuple[str, str]]:
    """``(lead, text)`` per line; ``lead`` is empty except on a paragraph's first line."""
    out: list[tuple[str, str]] = []
    for para in paragraphs:
        lead_w = text_size_pt(para.lead + " ", size, "bold")[0] if para.lead else 0.0
        lines = wrap(" ".join(para.text.split()), width, size, first_width=width - lead_w)
        out.extend(((para.lead if i == 0 else ""), line) for i, line in enumerate(lines))
    return out


def draw_caption(ax: Axes, lines: Sequence[tuple[str, str]], size: float, line_h: float) -> None:
    """Draw caption lines top-down from y = 0 (axes units = points, y down)."""
    y = 0.0
    for lead, text in lines:
        x = 0.0
        if lead:
            ax.text(0, y, lead, fontproperties=font(size, weight="bold"), color=TEXT, va="top", parse_math=False,
                    gid="caption")
            x = text_size_pt(lead + " ", size, "bold")[0]
        ax.text(x, y, text, fontproperties=font(size), color=TEXT, va="top", parse_math=False,
                gid="caption")
        y += line_h


# --- what the legend and the caption say about a view -----------------------------------------------
def legend_sections(df: pd.DataFrame, layers: Any, actors: Mapping[str, Any], zones_in: Any, governorates: bool,
                    s: float, panel_w: float) -> tuple[list[Section], LegendStyle]:
    """The legend of a view: only the kinds, actors, precisions and dates that are drawn, with counts."""
    from matplotlib.colors import to_rgba

    from geo.outputs.static.records import RING_FILL_ALPHA, STROKE_ALPHA, actor_pairs, marker_for

    lst = LegendStyle(width=panel_w, title_size=9.5 * s, head_size=7.4 * s, text_size=6.9 * s,
                      note_size=6.1 * s, symbol_w=15.0 * s, line_gap=2.6 * s, section_gap=7.0 * s)
    grey = "#5a5a5a"
    sections = []
    drawn = df.iloc[layers.drawn]
    kinds = drawn["kind"].to_numpy(dtype=object)
    if len(drawn):
        sec = Section("Kinds", note="Filled symbol: an exact place. Outline symbol: the kind of the area "
                                    "drawn around it.")
        for kind, label in KIND_LABELS.items():
            count = int((kinds == kind).sum())
            if not count:
                continue
            shape, marker, scale = marker_for(kind)
            sym = Symbol("marker", marker=marker, face=to_rgba(grey, RING_FILL_ALPHA if shape == "ring" else 0.8),
                         edge=grey, size=6.4 * s * scale, linewidth=0.9 * s)
            sec.rows.append(Row(label, sym, count, gid=f"legend-kind-{kind}"))
        if len(layers.binned_rows):
            kinds_txt = ", ".join(KIND_LABELS.get(k, k).lower() for k in layers.binned_kinds)
            sec.rows.append(Row(f"Count circle: {kinds_txt} binned in 0.25° cells (too many to draw one by one)",
                                Symbol("marker", marker="o", face=to_rgba(grey, 0.45), edge=grey, size=8.0 * s,
                                       linewidth=0.8 * s), len(layers.binned_rows)))
        if len(layers.route_rows):
            sec.rows.append(Row("Movement route (arrow: direction)",
                                Symbol("line", edge=grey, linewidth=1.8 * s, arrow=True)))
        sections.append(sec)

        first, second = actor_pairs(drawn)
        colors = actor_colors(actors, [a for a in first if a])
        counts = pd.Series(first).value_counts()
        sec = Section("Actors (colour)", note="Fill: first-named actor; outline: second-named actor.")
        for aid in sorted(counts.index, key=lambda a: (-counts[a], a)):
            name = dr.clean(getattr(actors.get(aid), "name", None)) or aid or "No actor named"
            sec.rows.append(Row(name, Symbol("swatch", face=colors[aid], edge="none", size=7.0 * s, linewidth=0),
                                int(counts[aid]), gid=f"legend-actor-{aid}"))
        extra = pd.Series([b for b in second if b and b not in counts.index]).value_counts()
        for aid in sorted(extra.index, key=lambda a: (-extra[a], a)):
            name = dr.clean(getattr(actors.get(aid), "name", None)) or aid
            col = actor_colors(actors, [aid])[aid]
            sec.rows.append(Row(f"{name} (outline only)", Symbol("swatch", face="white", edge=col, size=7.0 * s,
                                                                 linewidth=1.4 * s), int(extra[aid]),
                                gid=f"legend-actor-{aid}"))
        sections.append(sec)

    prec = Section("Location precision (opacity)")
    levels = set(layers.level[layers.drawn].tolist())
    pins = len(layers.pin_rows) > 0
    for level, label in PRECISION_LABELS.items():
        if level not in levels and not (level == 1 and pins):
            continue
        alpha = PRECISION_OPACITY[level]
        prec.rows.append(Row(label, Symbol("swatch", face=to_rgba(grey, alpha), edge=to_rgba(grey, STROKE_ALPHA),
                                           size=7.0 * s, linewidth=0.8 * s)))
    if len(layers.country):
        prec.rows.append(Row(f"{COUNTRY_LABEL}: not drawn (listed below the map)", Symbol("none"),
                             len(layers.country)))
    if prec.rows:
        sections.append(prec)
    if len(drawn):
        coarse = layers.coarse[layers.drawn]
        date = Section("Date (outline)")
        if (~coarse).any():
            date.rows.append(Row("known to the day", Symbol("swatch", face=to_rgba(grey, 0.18), edge=grey,
                                                            size=7.0 * s, linewidth=0.9 * s), int((~coarse).sum())))
        if coarse.any():
            date.rows.append(Row("coarser (dashed: possible range)",
                                 Symbol("swatch", face=to_rgba(grey, 0.18), edge=grey, size=7.0 * s,
                                        linewidth=0.9 * s, linestyle=dr.DrawContext.dash()), int(coarse.sum())))
        sections.append(date)

    context = Section("Context")
    if zones_in is not None:
        for name in dict.fromkeys(zones_in[1]):
            zone = Symbol("swatch", face=to_rgba(dr.ZONE, dr.ZONE_FILL), edge=dr.ZONE, size=7.0 * s,
                          linewidth=1.0 * s, linestyle=(0, (8 / 2, 5 / 2)))
            context.rows.append(Row(str(name), zone))
    context.rows.append(Row("Syria border", Symbol("line", edge=dr.SYRIA_EDGE, linewidth=1.3 * s)))
    if governorates:
        context.rows.append(Row("Governorate boundary (imported)",
                                Symbol("line", edge=dr.GOV_EDGE, linewidth=0.7 * s, linestyle=(0, (3, 2)))))
    context.rows.append(Row("City or town", Symbol("marker", marker="o", face="white", edge=dr.TOWN, size=4.0 * s,
                                                   linewidth=0.9 * s)))
    sections.append(context)
    return sections, lst


def dataset_licences(df: pd.DataFrame) -> dict[str, str]:
    """Outlet → licence of the imported datasets among ``df``'s records (rows carrying a dataset
    event id); the licence is the first sentence of the dataset's report caveat, which the importer
    opens with it, so the PNG credits ACLED and UCDP as their terms ask."""
    if "source_event" not in df.columns:
        return {}
    rows = df[df["source_event"].notna().to_numpy()]
    pairs = rows[["source_outlet", "source_caveat"]].dropna().drop_duplicates()
    first = pairs["source_caveat"].astype(str).str.split(r"(?<=\.)\s", n=1, regex=True).str[0]
    return dict(sorted(zip(pairs["source_outlet"].astype(str), first), key=lambda kv: kv[0].casefold()))


def caption_paragraphs(df: pd.DataFrame, layers: Any, window: str, filters_caption: str | None, total: int | None,
                       gazetteer: Gazetteer, boundaries: str | None, proj: Any, places: Mapping[str, str]) -> list[Paragraph]:
    """The caption: window and filters, what was not drawn and why, sources, data credits."""
    from geo.outputs.static.projection import BORDER_SOURCE

    n = len(df)
    paras = []
    text = f"{window}."
    if filters_caption:
        text += f" Filters: {filters_caption}."
    if n == 0:
        text += " No records in the window" + (f" ({total:,} in the dataset)" if total else "") + "."
    else:
        text += (f" {dr.plural(len(layers.drawn), 'record')} drawn of {dr.plural(n, 'record')} in the window"
                 + (f" ({total:,} in the dataset)" if total is not None and total != n else "") + ".")
    text += (" A record is in the window when its reported dates meet it; an active facility stays until a "
             "report says it closed.")
    paras.append(Paragraph("Window:", text))
    missing = []
    if len(layers.country):
        kinds = Counter(df["kind"].iloc[layers.country])
        detail = ", ".join(dr.kind_count(k, c) for k, c in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        missing.append(f"{dr.plural(len(layers.country), 'record')} located only to a whole country ({detail})")
    if len(layers.outside):
        where = Counter(t or "an unnamed place" for t in dr.place_labels(df, layers.outside, places))
        listed = ", ".join(f"{w} ({c})" if c > 1 else w for w, c in sorted(where.items()))
        missing.append(f"{dr.plural(len(layers.outside), 'record')} outside the map frame: {listed}")
    if len(layers.unmapped):
        missing.append(f"{dr.plural(len(layers.unmapped), 'record')} with no location")
    if missing:
        paras.append(Paragraph("Not drawn:", "; ".join(missing) + "."))
    outlets = sorted({o.strip() for v in df["source_outlet"].dropna() for o in str(v).split(";") if o.strip()},
                     key=str.casefold)
    if outlets:
        text = "; ".join(outlets) + "."
        unverified = df["unverified"].fillna(False).astype(bool).to_numpy()
        if unverified.any():
            text += (f" {dr.plural(int(unverified.sum()), 'record')} come from a source that calls itself "
                     "unverified." if unverified.sum() != 1 else
                     " 1 record comes from a source that calls itself unverified.")
        text += " Summaries and locations are Desert Atlas's reading of these reports."
        licences = dataset_licences(df)
        if licences:
            text += " Imported datasets: " + "; ".join(f"{o} ({t.rstrip('.')})" for o, t in licences.items()) + "."
        paras.append(Paragraph("Sources:", text))
    credits = [f"Places: {a}" for a in getattr(gazetteer, "attribution", ())]
    credits.append(f"Borders: {BORDER_SOURCE}")
    if boundaries:
        credits.append(f"Governorate boundaries: {boundaries}")
    credits.append(proj.describe())
    paras.append(Paragraph("Data:", ". ".join(c.rstrip(".") for c in credits) + "."))
    return paras
