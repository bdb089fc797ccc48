"""Location precision codes, derived from what a footprint is and how large it is.

ACLED ``geo_precision``: 1 the named town itself, 2 near a town / part of a region around it,
3 only a larger region (governorate, desert, country) is known.
UCDP ``where_prec``: 1 exact location, 2 within about 25 km of a known point, 3 second-order
admin unit, 4 first-order admin unit (a governorate, or a part of one such as "the eastern
countryside of Homs"), 5 part of a country or a named non-admin area (a desert, a mountain
range, a zone, "northern Syria"), 6 country only, 7 unclear or across borders.
"""
from __future__ import annotations

#: Largest equivalent radius (m) still counted as "the place itself".
EXACT_RADIUS_M = 2_000
#: Largest equivalent radius (m) counted as "near a known point".
NEAR_RADIUS_M = 25_000
#: A town known within this radius is still "the town itself" (the radius is about its extent).
SETTLEMENT_RADIUS_M = 5_000
SETTLEMENT_TYPES = frozenset({"city", "town", "village", "capital"})
#: Named regions are "a larger region" whatever their size.
REGION_TYPES = frozenset({"region", "zone"})


def codes(feature_type: str | None, radius_m: float) -> tuple[int, int]:
    """(geo_precision, where_prec) for a footprint of this type and equivalent radius."""
    if feature_type == "country":
        return 3, 6
    if feature_type in ("governorate", "governorate_part"):
        return 3, 4
    if feature_type in REGION_TYPES:
        return 3, 5
    if radius_m <= EXACT_RADIUS_M or (feature_type in SETTLEMENT_TYPES and radius_m <= SETTLEMENT_RADIUS_M):
        return 1, 1
    if radius_m <= NEAR_RADIUS_M:
        return 2, 2
    return 3, 5


def coarsest(pairs: list[tuple[int, int]]) -> tuple[int, int]:
    """Precision of several footprints taken together: the worst of each code."""
    return max(p[0] for p in pairs), max(p[1] for p in pairs)
