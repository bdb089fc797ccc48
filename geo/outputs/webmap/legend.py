"""The map legend as HTML: kinds (symbol), actors (colour), precision (opacity), dates (outline).

Actor names come from data, so every one is escaped; colours pass :func:`safe_color`.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from geo.outputs.symbology import (COARSE_DASH, COUNTRY_LABEL, COUNTRY_OPACITY, KIND_LABELS, KIND_SHAPES,
                            PRECISION_LABELS, PRECISION_OPACITY, actor_colors, actor_names)

_SIZE = 14


def symbol_svg(shape: str, color: str = "#555555", *, fill_opacity: float = 0.8, dash: str | None = None) -> str:
    """A small inline SVG of a marker shape (the same outlines the JS ``ShapeMarker`` draws)."""
    c, r = _SIZE / 2, 5.0
    stroke = f'stroke="{color}" stroke-width="1.5"' + (f' stroke-dasharray="{dash}"' if dash else "")
    fill = f'fill="{color}" fill-opacity="{fill_opacity}"'
    if shape == "square":
        s = r * 0.85
        body = f'<rect x="{c - s}" y="{c - s}" width="{2 * s}" height="{2 * s}" {fill} {stroke}/>'
    elif shape == "triangle":
        body = f'<polygon points="{c},{c - r * 1.15} {c + r},{c + r * 0.75} {c - r},{c + r * 0.75}" {fill} {stroke}/>'
    elif shape == "diamond":
        body = f'<polygon points="{c},{c - r * 1.2} {c + r},{c} {c},{c + r * 1.2} {c - r},{c}" {fill} {stroke}/>'
    elif shape == "star":
        import math
        pts = " ".join(f"{c + (r * 1.2 if i % 2 == 0 else r * 0.5) * math.cos(math.pi * i / 5 - math.pi / 2):.2f},"
                       f"{c + (r * 1.2 if i % 2 == 0 else r * 0.5) * math.sin(math.pi * i / 5 - math.pi / 2):.2f}"
                       for i in range(10))
        body = f'<polygon points="{pts}" {fill} {stroke}/>'
    elif shape == "line":
        body = f'<line x1="1" y1="{_SIZE - 3}" x2="{_SIZE - 1}" y2="3" stroke="{color}" stroke-width="3"' + (
            f' stroke-dasharray="{dash}"' if dash else "") + "/>"
    elif shape == "area":
        body = f'<rect x="1" y="2" width="{_SIZE - 2}" height="{_SIZE - 4}" {fill} {stroke}/>'
    else:  # circle / ring
        fo = 0.15 if shape == "ring" else fill_opacity
        body = f'<circle cx="{c}" cy="{c}" r="{r}" fill="{color}" fill-opacity="{fo}" {stroke}/>'
    return f'<svg width="{_SIZE}" height="{_SIZE}" viewBox="0 0 {_SIZE} {_SIZE}">{body}</svg>'


def _row(svg: str, label: str) -> str:
    return f'<div class="da-row">{svg}{html.escape(label)}</div>'


def legend_html(actors: Mapping[str, Any] | None, *, actor_ids: Iterable[str] | None = None,
                aggregated: bool = True) -> str:
    """Legend HTML (escaped).  ``actor_ids`` limits the actor list (e.g. to actors in the data)."""
    colors = actor_colors(actors, actor_ids or ())
    names = actor_names(actors)
    ids = list(dict.fromkeys(actor_ids)) if actor_ids is not None else list(actors or colors)
    parts = ["<h4>Kinds (exact points)</h4>"]
    parts += [_row(symbol_svg(KIND_SHAPES[kind]), label) for kind, label in KIND_LABELS.items()]
    parts.append(_row(symbol_svg("line"), "Movement route"))
    parts.append(_row(symbol_svg("area", fill_opacity=PRECISION_OPACITY[2]), "Area / uncertainty footprint"))
    if aggregated:
        parts.append(_row(symbol_svg("circle", fill_opacity=0.45), "Count circle (many records binned)"))
    parts.append("<h4>Actors (colour)</h4>")
    parts += [_row(symbol_svg("area", colors[i], fill_opacity=0.8), names.get(i, i)) for i in ids]
    parts.append("<h4>Location precision (opacity)</h4>")
    parts += [_row(symbol_svg("area", fill_opacity=PRECISION_OPACITY[level]), label)
              for level, label in PRECISION_LABELS.items()]
    parts.append(_row(symbol_svg("area", fill_opacity=COUNTRY_OPACITY), COUNTRY_LABEL))
    parts.append("<h4>Date</h4>")
    parts.append(_row(symbol_svg("area", fill_opacity=0.2), "known to the day"))
    parts.append(_row(symbol_svg("area", fill_opacity=0.2, dash=COARSE_DASH.replace(" ", ",")),
                      "coarser (dashed: possible range)"))
    return "".join(parts)
