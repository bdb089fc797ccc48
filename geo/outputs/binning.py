"""Grid binning of many records into count circles (vectorised with numpy).

Beyond a few thousand features a browser map slows down and the page grows by megabytes, so a
crowded layer is drawn as one circle per grid cell instead: placed at the mean of its records'
representative points, sized by count and coloured by the cell's most frequent (first) actor.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Grid cell size in degrees (about 28 km north–south; cells are honest about their coarseness).
CELL_DEG = 0.25


@dataclass(frozen=True)
class Bins:
    """One row per non-empty cell."""

    lon: np.ndarray
    lat: np.ndarray
    count: np.ndarray
    #: Index (into the ``actor_codes`` categories) of each cell's most frequent first actor.
    top_actor: np.ndarray
    top_actor_count: np.ndarray
    actor_categories: np.ndarray
    #: Records with a coarse date (coarser than a day) per cell.
    coarse: np.ndarray
    cell_deg: float


def grid_bins(lon: np.ndarray, lat: np.ndarray, first_actor: pd.Series | np.ndarray,
              coarse: np.ndarray | None = None, *, cell_deg: float = CELL_DEG) -> Bins:
    """Bin points into ``cell_deg`` squares; rows with a missing coordinate are left out."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    ok = np.isfinite(lon) & np.isfinite(lat)
    codes, categories = pd.factorize(pd.Series(np.asarray(first_actor, dtype=object)).fillna(""), sort=True)
    codes = np.asarray(codes)[ok]
    lon, lat = lon[ok], lat[ok]
    coarse_arr = np.zeros(len(ok), dtype=bool) if coarse is None else np.asarray(coarse, dtype=bool)
    coarse_arr = coarse_arr[ok]
    ix = np.floor(lon / cell_deg).astype("int64")
    iy = np.floor(lat / cell_deg).astype("int64")
    key = (ix - ix.min() if len(ix) else ix) * (int(iy.max() - iy.min()) + 1 if len(iy) else 1) + (
        iy - iy.min() if len(iy) else iy)
    cells, cell_of = np.unique(key, return_inverse=True)
    n = len(cells)
    count = np.bincount(cell_of, minlength=n)
    mean_lon = np.bincount(cell_of, weights=lon, minlength=n) / np.maximum(count, 1)
    mean_lat = np.bincount(cell_of, weights=lat, minlength=n) / np.maximum(count, 1)
    n_actors = max(len(categories), 1)
    per_actor = np.bincount(cell_of * n_actors + codes, minlength=n * n_actors).reshape(n, n_actors)
    top = per_actor.argmax(axis=1) if n else np.zeros(0, dtype="int64")
    top_count = per_actor[np.arange(n), top] if n else np.zeros(0, dtype="int64")
    coarse_count = np.bincount(cell_of, weights=coarse_arr.astype("float64"), minlength=n).astype("int64")
    return Bins(lon=mean_lon, lat=mean_lat, count=count, top_actor=top, top_actor_count=top_count,
                actor_categories=np.asarray(categories, dtype=object), coarse=coarse_count, cell_deg=cell_deg)


def bin_radius_px(count: np.ndarray) -> np.ndarray:
    """Circle radius in screen pixels: area grows with count, clamped to stay readable."""
    return np.clip(4.0 + 2.2 * np.sqrt(np.asarray(count, dtype="float64")), 5.0, 34.0).round(1)
