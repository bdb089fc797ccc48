"""Building the project's gazetteer from every source, through the compiled cache.

Kept apart from :mod:`gazetteer.gazetteer` (the resolver) so that the cache
(:mod:`gazetteer.compiled`) and the resolver do not import each other.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from . import loading, settings
from .compiled import cached
from .errors import DataError
from .gazetteer import Gazetteer
from .merging import merge_sources
from .model import Resolution


def build(*, curated_dir: Path | str | None = None, online: Callable[[str], Resolution | None] | None = None) -> Gazetteer:
    """Load and validate every source (or their compiled cache); raise ``DataError`` listing all problems."""
    curated_dir = Path(curated_dir or settings.CURATED_DIR)
    gz = cached(curated_dir, lambda: _assemble(curated_dir))
    gz.online = online
    return gz


def _assemble(curated_dir: Path) -> Gazetteer:
    """Every source loaded, validated and merged (see ``gazetteer.merging``)."""
    problems: list[str] = []
    governorates = loading.load_governorates(curated_dir / "governorates.yaml", problems)
    curated = loading.load_curated(curated_dir / "places.yaml", {g.id for g in governorates}, problems)
    if problems:
        raise DataError(problems)
    for place in curated:  # Syria itself is drawn with its outline, not a circle
        if place.feature_type == "country" and place.country == "SY":
            place.shape, place.shape_note = loading.country_outline(), "country outline (countryinfo package)"
    imported, attribution = merge_sources(governorates, curated)
    boundaries = loading.apply_boundaries(governorates, curated + imported)
    return Gazetteer(governorates + curated + imported, attribution=attribution, boundaries=boundaries)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The project's gazetteer, loaded once per process."""
    return build()

