"""Cached loaders shared by the dashboard's pages (``app.py``, ``pages/review.py``).

Streamlit caches per function, so each page defining its own loaders kept its own gazetteer and
dataset in memory, and a page whose key lacked the boundaries stamp kept the old gazetteer after
the user imported boundaries.  Every page imports these instead: one gazetteer per boundaries
stamp, one dataset per (folder, fingerprint, stamp), one map background per stamp.

A UI helper: it imports Streamlit, so only the pages import it (never ``geo``'s other modules).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from geo.outputs.webmap import mapping
from geo.core.gazetteer_access import Gazetteer, get_gazetteer
from geo.store import load_dataset

#: Datasets kept at once (a few recent fingerprints: the review page changes the data often).
MAX_DATASETS = 3


def boundaries_stamp() -> float:
    """Changes when the user imports governorate boundaries (the gazetteer must be rebuilt)."""
    from gazetteer.loading import boundaries_path

    path = boundaries_path()
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner="Loading the gazetteer…", max_entries=1)
def load_gz(stamp: float) -> Gazetteer:
    """The gazetteer as of ``stamp`` (:func:`boundaries_stamp`); one kept, the old one released.

    The gazetteer is kept once per process, so it is rebuilt here (a new stamp means new
    boundaries); code in this process that calls ``get_gazetteer`` then gets the same one.
    Broken gazetteer data raises :class:`geo.errors.GazetteerError` (one line, file named).
    """
    return get_gazetteer(reload=True)


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=MAX_DATASETS)
def load_data(path: str, fingerprint: str, stamp: float) -> Any:
    """The dataset of ``path``; ``fingerprint`` (:meth:`geo.store.DataFolder.fingerprint`) is the cache key."""
    return load_dataset(path, gazetteer=load_gz(stamp))


@st.cache_resource(show_spinner=False, max_entries=1)
def load_background(stamp: float) -> dict[str, Any]:
    """The offline vector background (border, governorates, towns) of the current gazetteer."""
    return mapping.background_geojson(load_gz(stamp))
