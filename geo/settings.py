"""Documented defaults for the geo package.

Everything a deployment might reasonably change lives here, so modules never hard-code paths or
magic numbers.  Values are plain module constants or small functions (the latter when they read
the environment, so tests can change the environment and see the effect).
"""
from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the folder holding ``geo/``, ``data/`` and ``app.py``).
REPO_ROOT: Path = Path(__file__).resolve().parent.parent

#: Default data folder: ``actors.yaml``, ``reports.yaml`` and ``events/*.yaml`` live here.
DATA_DIR: Path = REPO_ROOT / "data"

#: Environment variable naming another data folder (the dashboard, CLIs and tests honour it).
DATA_ENV = "DESERT_ATLAS_DATA"

#: Event files inside the data folder (sorted by name when loaded).
EVENTS_SUBDIR = "events"
EVENT_FILE_PATTERNS: tuple[str, ...] = ("*.yaml", "*.yml")
ACTORS_FILE = "actors.yaml"
REPORTS_FILE = "reports.yaml"
#: Where records accepted from the review queue are appended, inside ``events/``.
ACCEPTED_FILE = "accepted.yaml"
#: The review queue and the lock its writers hold (see :class:`geo.store.folder.DataFolder`).
QUEUE_FILE = "review/queue.yaml"
LOCK_FILE = "review/.lock"

#: Environment variable naming the folders that hold report texts (``os.pathsep``-separated).
REPORTS_ENV = "DESERT_ATLAS_REPORTS"

#: Syria's extent (lon_min, lat_min, lon_max, lat_max), used to catch swapped coordinates when
#: the gazetteer has no country outline.  Deliberately a little generous around the border.
SYRIA_EXTENT: tuple[float, float, float, float] = (35.5, 32.2, 42.5, 37.5)

#: Neighbouring countries drawn as grey context around Syria, on the dashboard and on map images
#: alike (names as the ``countryinfo`` package spells them; outlines are its low-resolution ones,
#: read through ``gazetteer.loading.country_outline``).  A name the package lacks is skipped.
CONTEXT_COUNTRIES: tuple[str, ...] = ("Turkey", "Iraq", "Jordan", "Lebanon", "Israel", "Palestine", "Cyprus",
                                      "Saudi Arabia", "Iran", "Egypt")

#: Gazetteer ids / names tried, in order, to find Syria's outline among the gazetteer's places.
COUNTRY_IDS: tuple[str, ...] = ("syria", "SY", "SYR")

#: Decimal places kept in exported coordinates (RFC 7946 suggests 6, about 10 cm).
COORD_DECIMALS = 6

#: Base name of single-file exports (``desert-atlas.gpkg``, ``desert-atlas.kml``, ``desert-atlas.csv``).
EXPORT_BASENAME = "desert-atlas"


def data_dir() -> Path:
    """The data folder in use: ``$DESERT_ATLAS_DATA`` when set, else :data:`DATA_DIR`."""
    env = os.environ.get(DATA_ENV, "").strip()
    return Path(env).expanduser() if env else DATA_DIR


def reports_dirs() -> list[Path]:
    """Folders searched for report texts, in order.

    ``$DESERT_ATLAS_REPORTS`` (``os.pathsep``-separated) when set; otherwise the untracked
    ``local/reports`` of the data folder in use plus ``../shared/seeds`` when that folder exists.
    Report texts are optional at run time: without them evidence is listed but not quoted or
    hash-checked.
    """
    env = os.environ.get(REPORTS_ENV)
    if env is not None:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    dirs = [data_dir() / "local" / "reports"]
    shared = REPO_ROOT.parent / "shared" / "seeds"
    if shared.is_dir():
        dirs.append(shared)
    return dirs
