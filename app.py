"""Desert Atlas dashboard: the dataset on an offline map, with a time window, filters and sources.

Run with ``streamlit run app.py``.  Layout and widgets only: loading is cached and keyed on the
data's fingerprint, filtering is ``geo.core.filtering``, map building is ``geo.outputs.webmap.mapping``.
The data folder is ``geo.settings.data_dir()`` (``$DESERT_ATLAS_DATA`` when set).
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.outputs.export.writers import view_geojson
from geo.outputs.webmap import mapping
from geo.core import timeline
from dashboard.loaders import boundaries_stamp, load_background, load_data, load_gz
from geo.store import DataFolder
from geo.errors import GeoError
from geo.core.filtering import CORROBORATION_CHOICES, filter_records, present_values
from geo.core.model import KIND_LAYERS

MAP_HEIGHT = 620
TABLE_MAX_ROWS = 5_000
PLAY_INTERVAL_S = 1.5
CORROBORATION_LABELS: dict[str, str] = {
    "all": "all records",
    "corroborated": "only corroborated (another source reports it too)",
    "uncorroborated": "only uncorroborated",
}
PRECISION_CHOICES: dict[int | None, str] = {
    None: "any (incl. country-level)",
    1: "exact places only",
    2: "near a place or better",
    3: "region or better",
}

DEFAULT_STEP = "month"
#: Widget key → query parameter (stable names: a shared link keeps working across versions).
#: ``confidence``, ``start`` and ``end`` are read and written beside these.
URL_PARAMS: dict[str, str] = {"actors": "actor", "kinds": "kind", "outlets": "outlet", "precision": "precision",
                              "corroboration": "corroboration", "step": "step"}
MULTI_KEYS = frozenset({"actors", "kinds", "outlets"})

st.set_page_config(page_title="Desert Atlas", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner=False, max_entries=3)
def filter_options(path: str, fingerprint: str, stamp: float) -> tuple[list[str], list[str], list[str]]:
    """Actor ids, kinds and outlets present in the data (once per dataset, not per rerun)."""
    return present_values(load_data(path, fingerprint, stamp).frame)


def _step(direction: int, bounds: tuple[Any, Any]) -> bool:
    """Move the window one step; False when it cannot move (it is at the end of the data)."""
    window = timeline.as_dates(st.session_state["window"])
    moved = timeline.step_window(window, st.session_state["step"], direction, bounds)
    st.session_state["window"] = moved
    return moved != window


def _set_width(key: str, bounds: tuple[Any, Any]) -> None:
    """The Window select's callback: the window of the chosen width from its current start."""
    if st.session_state[key] in timeline.WIDTHS:
        start = timeline.as_dates(st.session_state["window"])[0]
        st.session_state["window"] = timeline.window_of_width(start, st.session_state[key], bounds)


def _url_values(name: str, allowed: Sequence[Any]) -> list[Any]:
    """A repeatable or comma-separated query parameter's values that are in ``allowed`` (others ignored)."""
    by_text = {str(a): a for a in allowed}
    found: list[Any] = []
    for item in st.query_params.get_all(name):
        for text in [item] if item in by_text else item.split(","):
            if text.strip() in by_text and by_text[text.strip()] not in found:
                found.append(by_text[text.strip()])
    return found


def _restore_from_url(bounds: tuple[Any, Any], choices: dict[str, Sequence[Any]]) -> None:
    """Start a new session's widgets from the link's query parameters (see ``URL_PARAMS``)."""
    for key, name in URL_PARAMS.items():
        values = _url_values(name, choices[key])
        if values:
            st.session_state[key] = values if key in MULTI_KEYS else values[0]
    try:
        confidence = round(float(st.query_params.get("confidence", "")) * 20) / 20
        if 0.0 <= confidence <= 1.0:
            st.session_state["min_confidence"] = confidence
    except (ValueError, OverflowError):
        pass
    window = timeline.parse_window(st.query_params.get("start"), st.query_params.get("end"), bounds)
    if window is not None:
        st.session_state["window"] = window


def _mirror_to_url(bounds: tuple[Any, Any]) -> None:
    """Write the widgets' values into the URL (defaults left out), so a reload or a link reopens the view."""
    window = timeline.as_dates(st.session_state["window"])
    wanted: dict[str, list[str]] = {name: [str(v) for v in (st.session_state[key] if key in MULTI_KEYS
                                                             else [st.session_state[key]])]
                                    for key, name in URL_PARAMS.items()}
    wanted["precision"] = [] if st.session_state["precision"] is None else wanted["precision"]
    wanted["corroboration"] = [] if st.session_state["corroboration"] == "all" else wanted["corroboration"]
    wanted["step"] = [] if st.session_state["step"] == DEFAULT_STEP else wanted["step"]
    wanted["confidence"] = [f"{st.session_state['min_confidence']:g}"] if st.session_state["min_confidence"] else []
    wanted["start"], wanted["end"] = ([], []) if window == tuple(bounds) else ([str(window[0])], [str(window[1])])
    for name, values in wanted.items():
        if st.query_params.get_all(name) != values:
            if values:
                st.query_params[name] = values
            else:
                del st.query_params[name]


# ----------------------------------------------------------------------------------- data
stamp = boundaries_stamp()
folder = settings.data_dir()
fingerprint = DataFolder.at(folder).fingerprint()
try:
    ds = load_data(str(folder), fingerprint, stamp)
    gz = load_gz(stamp)
except GeoError as exc:
    st.title("Desert Atlas")
    st.error(f"The map of {folder} cannot be shown until these problems are fixed:")
    st.code(str(exc), language=None)
    st.stop()

frame = ds.frame
span = timeline.dataset_span(frame)
names = {a.id: a.name for a in ds.actors.values()}
actor_ids, kinds, outlets = filter_options(str(folder), fingerprint, stamp)
used_actors = sorted(actor_ids, key=lambda a: names.get(a, a).lower())

# ------------------------------------------------------------------- state from the link
if "restored_from_url" not in st.session_state:  # a new session (first visit, reload, shared link)
    st.session_state["restored_from_url"] = True
    _restore_from_url(span, {"actors": used_actors, "kinds": kinds, "outlets": outlets,
                             "precision": [p for p in PRECISION_CHOICES if p is not None],
                             "corroboration": list(CORROBORATION_CHOICES), "step": list(timeline.STEPS)})
st.session_state.setdefault("step", DEFAULT_STEP)

# -------------------------------------------------------------------------------- sidebar
with st.sidebar:
    st.header("Filters")
    pick_actors = st.multiselect("Actors", used_actors, format_func=lambda a: names.get(a, a),
                                 placeholder="all actors", key="actors")
    pick_kinds = st.multiselect("Kinds", kinds, format_func=lambda k: mapping.LAYER_LABELS[KIND_LAYERS[k]],
                                placeholder="all kinds", key="kinds")
    pick_outlets = st.multiselect("Source outlets", outlets, placeholder="all outlets", key="outlets")
    min_conf = st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="min_confidence")
    max_prec = st.selectbox("Location precision", list(PRECISION_CHOICES), format_func=PRECISION_CHOICES.get,
                            key="precision")
    pick_corroboration = st.selectbox("Corroboration", list(CORROBORATION_CHOICES),
                                      format_func=CORROBORATION_LABELS.get, key="corroboration")
    st.header("Find a place")
    query = st.text_input("Place name", key="place", placeholder="e.g. Palmyra, Deri Ezzor")
    center = zoom = None
    search_layer = None
    if query.strip():
        res = gz.resolve(query.strip())
        found = mapping.search_result(res)
        if found is not None:
            center, zoom, search_layer = found
            st.success(f"**{res.name}** — {mapping.describe_resolution(res)}")
            if res.note:
                st.caption(res.note)
        else:
            suggestions = ", ".join(a.name for a in res.alternatives[:5])
            st.warning("unresolved" + (f" — did you mean: {suggestions}?" if suggestions else ""))

# ---------------------------------------------------------------------------------- time
st.title("Desert Atlas")
if "window" not in st.session_state or not timeline.within(timeline.as_dates(st.session_state["window"]), span):
    st.session_state["window"] = span
if st.session_state.pop("advance", False):
    _step(1, span)
    if timeline.step_blocked(timeline.as_dates(st.session_state["window"]), st.session_state["step"], 1, span):
        st.session_state["playing"] = False
        st.session_state["play_note"] = (f"Play stopped: the window reached the end of the data ({span[1]}). "
                                         "Move it back to play again.")
# The Window select shows the width of the current window.  Its key names that width, so a new widget
# (not a changed value) follows the slider: a rerun carrying an older value can never fire its callback
# and undo what the slider just did.
width_now = timeline.width_label(timeline.as_dates(st.session_state["window"]), span)
window = timeline.as_dates(st.slider("Time window", min_value=span[0], max_value=span[1], key="window",
                                     format="YYYY-MM-DD"))
with st.container(horizontal=True, vertical_alignment="center", gap="small"):  # wraps on narrow screens
    width_options = [*timeline.WIDTHS, timeline.CUSTOM_WIDTH]
    st.selectbox("Window", width_options, index=width_options.index(width_now), key=f"width:{width_now}",
                 on_change=_set_width, args=(f"width:{width_now}", span), format_func=lambda w: f"Window: {w}",
                 label_visibility="collapsed", width=200)
    step = st.selectbox("Step", list(timeline.STEPS), key="step", format_func=lambda s: f"Step: {s}",
                        label_visibility="collapsed", width=150)
    blocked_back = timeline.step_blocked(window, step, -1, span)
    blocked_fwd = timeline.step_blocked(window, step, 1, span)
    st.button("◀", on_click=_step, args=(-1, span), key="step_back", width=56, disabled=bool(blocked_back),
              help=blocked_back or f"Move the window back by one {step}")
    st.button("▶", on_click=_step, args=(1, span), key="step_forward", width=56, disabled=bool(blocked_fwd),
              help=blocked_fwd or f"Move the window forward by one {step}")
    playing = st.toggle("Play", key="playing", disabled=bool(blocked_fwd) and not st.session_state.get("playing"),
                        width="content",
                        help=blocked_fwd or f"Step the window forward by one {step} every {PLAY_INTERVAL_S:g} s")
if "play_note" in st.session_state:
    st.info(st.session_state.pop("play_note"))

filters = dict(actors=pick_actors or None, kinds=pick_kinds or None, outlets=pick_outlets or None,
               min_confidence=min_conf or None, max_geo_precision=max_prec, corroboration=pick_corroboration)
visible = filter_records(frame, start=window[0], end=window[1], **filters)
mapped = mapping.mapped_mask(visible)
coarse = timeline.coarse_mask(visible)
st.caption(f"{len(visible):,} of {len(frame):,} records in view from {window[0]} to {window[1]} · "
           f"{int(mapped.sum()):,} on the map, {int((~mapped).sum()):,} without a place · "
           f"{int(coarse.sum()):,} with a coarse date (shown while their possible range meets the window; "
           f"dashed outline)")

_mirror_to_url(span)

# ----------------------------------------------------------------------------------- map
layers = mapping.layer_geojson(visible, actors=ds.actors, reports=ds.reports)
if any(c["aggregated"] for c in layers.values()):
    st.info("Many records in view: the largest layers are binned into count circles. "
            "Narrow the time window or the filters to see each record.")
base = mapping.base_map(load_background(stamp), zones=ds.zones, actors=ds.actors, actor_ids=used_actors,
                        tiles=True)
groups = mapping.record_groups(layers) + ([search_layer] if search_layer is not None else [])
st_folium(base, feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=False),
          returned_objects=[], center=center, zoom=zoom, height=MAP_HEIGHT, use_container_width=True,
          key="atlas_map")

# ---------------------------------------------------------------------------- around it
chart_col, download_col = st.columns([3, 1])
with chart_col:
    st.subheader("Records per actor")
    counts = timeline.counts_by_actor(filter_records(frame, **filters), names)
    if counts.empty:
        st.caption("No records match the filters.")
    else:
        colors = mapping.actor_colors(ds.actors)
        by_name = {names.get(a, a): colors[a] for a in used_actors}
        st.altair_chart(timeline.actor_chart(counts, by_name, window), width="stretch")
        st.caption("Shaded: the time window. Bars count records passing the filters by the start of their "
                   "reported date range (a record with several actors counts for each).")
with download_col:
    st.subheader("Download")
    stamp_text = f"{window[0]}_{window[1]}"
    st.download_button("GeoJSON of this view", data=lambda: view_geojson(visible),
                       file_name=f"desert-atlas_{stamp_text}.geojson", mime="application/geo+json",
                       on_click="ignore", key="download_geojson")

    def _png() -> bytes:  # matplotlib is imported only when the button is used
        from geo.outputs.static import render

        caption = render.describe_filters(actors=pick_actors, kinds=pick_kinds, actor_names=names)
        return render.render_png(visible, zones=ds.zones, start=window[0], end=window[1], title="Desert Atlas",
                                 filters_caption=caption, actors=ds.actors, gazetteer=gz, total=len(frame))

    st.download_button("PNG of this view", data=_png, file_name=f"desert-atlas_{stamp_text}.png",
                       mime="image/png", on_click="ignore", key="download_png")

# --------------------------------------------------------------------------------- table
st.subheader("Records in view")
table = visible.sort_values(["date_start", "id"])
shown = table.head(TABLE_MAX_ROWS)
st.dataframe(pd.DataFrame({
    "date from": shown["date_start"].dt.date, "date to": shown["date_end"].dt.date,
    "date precision": shown["date_precision"], "coarse date": timeline.coarse_mask(shown),
    "kind": shown["kind"], "title": shown["title"], "actors": shown["actor_names"],
    "place (as reported)": shown["place_text"], "geo_precision": shown["geo_precision"],
    "where_prec": shown["where_prec"], "confidence": shown["confidence"], "outlet": shown["source_outlet"],
    "unverified": shown["unverified"],
    "also reported by": shown["corroborated_by"].str.replace("; ", " / ", regex=False),
    "summary": shown["summary"], "id": shown["id"],
}), hide_index=True, width="stretch", key="records_table")
if len(table) > TABLE_MAX_ROWS:
    st.caption(f"Showing the first {TABLE_MAX_ROWS:,} of {len(table):,} records by date; "
               "narrow the window or download the GeoJSON for all of them.")

# ---------------------------------------------------------------------------------- play
if playing:  # the next run moves the window (a widget's state cannot change after it is drawn)
    time.sleep(PLAY_INTERVAL_S)
    st.session_state["advance"] = True
    st.rerun()
