"""Geometry helpers every output shares (exports, the web map, map images)."""
from __future__ import annotations

import numpy as np
import shapely


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Every coordinate of a geometry array rounded to ``decimals`` (vectorised)."""
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))
