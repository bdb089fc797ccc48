"""Text measurement and greedy, collision-free label placement for the static map.

Labels are placed in priority order; each tries a few positions around its anchor and is kept
only where its box (measured with the same font engine that draws it, plus a halo margin) stays
inside the map and touches no earlier label, symbol or reserved area.  Occupancy is a boolean
grid in display pixels, rounded outwards, so "touches nothing on the grid" implies "overlaps no
drawn text" whatever the number of symbols.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

#: The one font family of the renderer (ships with matplotlib, so output is the same everywhere).
FONT_FAMILY = "DejaVu Sans"
#: Measurement resolution (points are measured at this dpi and scaled; high enough for sub-point accuracy).
_MEASURE_DPI = 288.0


def font(size: float, *, weight: str = "normal", style: str = "normal") -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=size, weight=weight, style=style)


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(8, 8, _MEASURE_DPI)


@lru_cache(maxsize=8192)
def text_size_pt(text: str, size: float, weight: str = "normal", style: str = "normal") -> tuple[float, float]:
    """Width and height of one line of ``text`` in points (height = the font's line box)."""
    prop = font(size, weight=weight, style=style)
    w, _, _ = _renderer().get_text_width_height_descent(text, prop, ismath=False)
    _, h, _ = _renderer().get_text_width_height_descent("Ålg", prop, ismath=False)
    scale = 72.0 / _MEASURE_DPI
    return w * scale, h * scale


def wrap(text: str, width_pt: float, size: float, *, weight: str = "normal",
         first_width: float | None = None) -> list[str]:
    """Greedy word wrap of ``text`` to ``width_pt`` points (``first_width`` for the very first line).

    A word longer than a whole line is cut with an ellipsis rather than overflowing.
    """
    lines: list[str] = []

    def limit() -> float:
        return first_width if (first_width is not None and not lines) else width_pt

    for para in text.split("\n"):
        current = ""
        for word in para.split():
            trial = f"{current} {word}" if current else word
            if text_size_pt(trial, size, weight)[0] <= limit():
                current = trial
                continue
            if current:
                lines.append(current)
                current = ""
            if text_size_pt(word, size, weight)[0] > limit():
                word = ellipsize(word, limit(), size, weight=weight)
            current = word
        lines.append(current)
    return lines


def ellipsize(text: str, width_pt: float, size: float, *, weight: str = "normal") -> str:
    """``text`` shortened with an ellipsis to fit ``width_pt`` on one line, at a word end if possible."""
    if text_size_pt(text, size, weight)[0] <= width_pt:
        return text
    words = text.split()
    for k in range(len(words) - 1, 0, -1):
        trial = " ".join(words[:k]).rstrip(",;:/→-– ") + "…"
        if text_size_pt(trial, size, weight)[0] <= width_pt:
            return trial
    cut = len(text)
    while cut > 1 and text_size_pt(text[:cut].rstrip() + "…", size, weight)[0] > width_pt:
        cut -= 1
    return text[:cut].rstrip() + "…"


@dataclass
class LabelRequest:
    """A label to place: ``anchor`` in display pixels, clear of a symbol of ``radius_px``."""

    text: str
    anchor: tuple[float, float]
    priority: float
    size: float
    color: str
    weight: str = "normal"
    style: str = "normal"
    radius_px: float = 0.0
    #: Positions to try, from :data:`POSITIONS`; centred labels (areas, countries) use ``("C",)``.
    positions: tuple[str, ...] = ("E", "W", "NE", "SE", "NW", "SW", "N", "S")
    gid: str = "label"
    kind: str = "town"


@dataclass
class PlacedLabel:
    request: LabelRequest
    #: Text anchor (display px) and alignment for matplotlib.
    x: float
    y: float
    ha: str
    va: str
    box: tuple[float, float, float, float]


#: Position → (dx sign, dy sign, ha, va).
POSITIONS: dict[str, tuple[float, float, str, str]] = {
    "E": (1, 0, "left", "center"), "W": (-1, 0, "right", "center"),
    "N": (0, 1, "center", "bottom"), "S": (0, -1, "center", "top"),
    "NE": (0.75, 0.75, "left", "bottom"), "SE": (0.75, -0.75, "left", "top"),
    "NW": (-0.75, 0.75, "right", "bottom"), "SW": (-0.75, -0.75, "right", "top"),
    "C": (0, 0, "center", "center"),
}


@dataclass
class LabelPlacer:
    """Occupancy grid over the map's display box ``(x0, y0, x1, y1)`` (pixels, y up)."""

    bounds: tuple[float, float, float, float]
    dpi: float
    cell: float = 1.0
    placed: list[PlacedLabel] = field(default_factory=list)

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.bounds
        self._grid = np.zeros((int(np.ceil((y1 - y0) / self.cell)) + 1,
                               int(np.ceil((x1 - x0) / self.cell)) + 1), dtype=bool)

    def _cells(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        x0, y0 = self.bounds[0], self.bounds[1]
        c = self.cell
        return (max(int(np.floor((box[0] - x0) / c)), 0), max(int(np.floor((box[1] - y0) / c)), 0),
                int(np.ceil((box[2] - x0) / c)), int(np.ceil((box[3] - y0) / c)))

    def occupy(self, box: tuple[float, float, float, float]) -> None:
        i0, j0, i1, j1 = self._cells(box)
        self._grid[j0:j1 + 1, i0:i1 + 1] = True

    def occupy_points(self, xy: np.ndarray, radius_px: float | np.ndarray) -> None:
        """Mark symbols (centres ``xy``, display px) as obstacles, vectorised."""
        if len(xy) == 0:
            return
        r = np.broadcast_to(np.asarray(radius_px, dtype=float), (len(xy),))
        x0, y0, c = self.bounds[0], self.bounds[1], self.cell
        ny, nx = self._grid.shape
        i0 = np.clip(np.floor((xy[:, 0] - r - x0) / c).astype(int), 0, nx - 1)
        i1 = np.clip(np.ceil((xy[:, 0] + r - x0) / c).astype(int), 0, nx - 1)
        j0 = np.clip(np.floor((xy[:, 1] - r - y0) / c).astype(int), 0, ny - 1)
        j1 = np.clip(np.ceil((xy[:, 1] + r - y0) / c).astype(int), 0, ny - 1)
        inside = np.isfinite(xy).all(axis=1)
        for a, b, cc, d in zip(i0[inside], i1[inside], j0[inside], j1[inside]):
            self._grid[cc:d + 1, a:b + 1] = True

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        bx0, by0, bx1, by1 = self.bounds
        if box[0] < bx0 or box[1] < by0 or box[2] > bx1 or box[3] > by1:
            return False
        i0, j0, i1, j1 = self._cells(box)
        return not self._grid[j0:j1 + 1, i0:i1 + 1].any()

    def place(self, requests: Iterable[LabelRequest], *, halo_pt: float, gap_pt: float) -> list[PlacedLabel]:
        """Place ``requests`` best-first (stable for equal priority); returns those that fit."""
        px = self.dpi / 72.0
        # At least 3 px between a label and its symbol: the grid rounds every box out by up to a cell.
        halo, gap = halo_pt * px, max(gap_pt * px, 3.0 * self.cell)
        out: list[PlacedLabel] = []
        for req in sorted(requests, key=lambda r: -r.priority):
            w_pt, h_pt = text_size_pt(req.text, req.size, req.weight, req.style)
            w, h = w_pt * px, h_pt * px
            ax, ay = req.anchor
            for pos in req.positions:
                sx, sy, ha, va = POSITIONS[pos]
                off = req.radius_px + gap + halo if pos != "C" else 0.0
                x, y = ax + sx * off, ay + sy * off
                left = x if ha == "left" else x - w if ha == "right" else x - w / 2
                bottom = y if va == "bottom" else y - h if va == "top" else y - h / 2
                box = (left - halo, bottom - halo, left + w + halo, bottom + h + halo)
                if self._free(box):
                    self.occupy(box)
                    out.append(PlacedLabel(req, x, y, ha, va, box))
                    break
        self.placed.extend(out)
        return out
