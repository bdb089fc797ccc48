"""Building the project's gazetteer from every source, through the compiled cache.

Kept apart from :mod:`gazetteer.gazetteer` (the resolver) so that the cache
(:mod:`gazetteer.compiled`) and the resolver do not import each other.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from . import loading, settings
from .compiled import cached, fingerprint
from .errors import DataError
from .gazetteer import Gazetteer
from .merging import merge_sources
from .model import Resolution
from .normalize import clear_caches


def build(*, curated_dir: Path | str | None = None, online: Callable[[str], Resolution | None] | None = None) -> Gazetteer:
    """Load and validate every source (or their compiled cache); raise ``DataError`` listing all problems."""
    curated_dir = Path(curated_dir or settings.curated_dir())
    gz = cached(curated_dir, lambda: _assemble(curated_dir))
    gz.online = online
    #: Names what the answers were built from (every input and the code): users key caches on it.
    gz.version = fingerprint(curated_dir)
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
    gz = Gazetteer(governorates + curated + imported, attribution=attribution, boundaries=boundaries)
    gz.index.prepare_fuzzy()  # kept in the cache: the first misspelt name after a cold start needs no build
    clear_caches()
    return gz


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The project's gazetteer, loaded once per process."""
    return build()

