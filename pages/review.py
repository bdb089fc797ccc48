"""Review page: the candidates ``python -m geo ingest`` proposed, on the map; accept, merge or reject.

Layout and widgets only: the queue, the form's edits and every decision are :mod:`geo.review` (and :mod:`dashboard.review_form`)
(validated, locked, atomic); the map is :mod:`geo.outputs.webmap.mapping`; the cached loaders are shared with the
main page (:mod:`dashboard.loaders`), so both use one gazetteer and one dataset.  The data folder is
``$DESERT_ATLAS_DATA`` when set, else the repository's ``data/`` (as on the main page).  Report
text is untrusted: it is shown with ``st.text``/``st.code`` (never as HTML or Markdown).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.outputs.webmap import mapping
from geo import review
from dashboard import review_form
from dashboard.loaders import boundaries_stamp, load_background, load_data, load_gz
from geo.store import DataFolder
from geo.errors import GeoError
from geo.core.model import DATE_PRECISIONS, KINDS, STATUSES

MAP_HEIGHT = 460

st.set_page_config(page_title="Desert Atlas — review", page_icon="🗺️", layout="wide")


def _decide(action: Callable[[], Any], failure: str, success: Callable[[Any], str]) -> None:
    """Run a review decision; show the validator's message if it is refused, else rerun with news."""
    try:
        result = action()
    except GeoError as exc:  # e.g. the record would not validate, or another session decided first
        st.error(failure)
        st.code(str(exc), language=None)
    else:
        st.session_state["review_message"] = success(result)
        st.rerun()


stamp = boundaries_stamp()
folder = settings.data_dir()
try:
    gz = load_gz(stamp)
    ds = load_data(str(folder), DataFolder.at(folder).fingerprint(), stamp)
    queue = review.load_queue(folder)
except GeoError as exc:
    st.title("Review candidates")
    st.error(f"The data in {folder} cannot be reviewed until these problems are fixed:")
    st.code(str(exc), language=None)
    st.stop()

pending = queue.pending()
decided = len(queue.candidates) - len(pending)
st.title("Review candidates")
st.caption(f"{len(pending)} candidate(s) waiting, {decided} decided · queue: {queue.path}")
if "review_message" in st.session_state:
    st.success(st.session_state.pop("review_message"))
if not pending:
    st.info("No candidates are waiting. Bring a report in with "
            "`python -m geo ingest REPORT.txt --published YYYY-MM-DD`.")
    st.stop()

names = {a.id: a.name for a in ds.actors.values()}
labels = {c["id"]: f"{c.get('title') or c['id']} · {c['sources'][0]['report']} · {c['id']}" for c in pending}
chosen_id = st.selectbox("Candidate", list(labels), format_func=labels.get, key="candidate")
cand = queue.get(chosen_id)

# ----------------------------------------------------------------------------------- map
frame, unmappable = review_form.candidates_frame(queue, gazetteer=gz, actors=ds.actors, reports=ds.reports,
                                            entries=pending)
layers = mapping.layer_geojson(frame, actors=ds.actors, reports=ds.reports)
groups = mapping.record_groups(layers)
center = zoom = None
row = frame[frame["id"] == chosen_id]
if not row.empty and row.geometry.iloc[0] is not None:
    center, zoom = mapping.view_for(row.geometry.iloc[0], row["uncertainty_m"].iloc[0])
    groups.append(mapping.search_group(row.geometry.iloc[0], str(cand.get("title") or chosen_id)))
used = sorted({a for c in pending for a in c.get("actors") or [] if a in ds.actors})
base = mapping.base_map(load_background(stamp), zones=ds.zones, actors=ds.actors, actor_ids=used, center=center, zoom=zoom)
st_folium(base, feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=False),
          returned_objects=[], center=center, zoom=zoom, height=MAP_HEIGHT, use_container_width=True,
          key="review_map")
st.caption(f"{len(frame)} of {len(pending)} waiting candidate(s) drawn; the selected one is outlined.")
if chosen_id in unmappable:
    st.warning("This candidate cannot be drawn as it stands:")
    st.code(unmappable[chosen_id], language=None)

# ------------------------------------------------------------------------------- details
info, evidence_col = st.columns([1, 1])
with info:
    st.subheader("What the ingester proposes")
    places = cand.get("review", {}).get("places", [])
    st.text("\n".join([
        f"kind: {cand['kind']}" + (f" / {cand['subtype']}" if cand.get("subtype") else ""),
        "actors: " + ", ".join(names.get(a, a) for a in cand.get("actors") or []),
        "places: " + "; ".join(f"{p.get('name') or p.get('query')} (geo_precision {p.get('geo_precision')})"
                               for p in places),
        f"as written: {cand.get('place_text') or '—'}",
        f"date: {cand.get('date_start') or '?'} – {cand.get('date_end') or '?'} "
        f"({cand.get('date_precision') or 'unknown'})"
        + (f", from '{cand['date_text']}'" if cand.get("date_text") else ""),
        f"confidence: {cand.get('confidence')}",
    ]))
    if cand.get("notes"):
        st.text("notes: " + str(cand["notes"]))
with evidence_col:
    st.subheader("Evidence")
    text = review.report_text(queue, cand["sources"][0]["report"])
    for ev in cand.get("evidence") or []:
        st.code(text[ev["start"]:ev["end"]] if text else f"(report text not available) {ev['start']}–{ev['end']}",
                language=None, wrap_lines=True)

# ----------------------------------------------------------------------------- decisions
accept_tab, merge_tab, reject_tab = st.tabs(["Accept", "Merge into a record", "Reject"])
with accept_tab:
    with st.form("accept_form"):
        c1, c2 = st.columns(2)
        kind = c1.selectbox("Kind", KINDS, index=KINDS.index(cand["kind"]), key="edit_kind")
        subtypes = review_form.subtype_choices(kind, cand.get("subtype"))
        subtype = c2.selectbox("Subtype", subtypes, format_func=lambda s: s or "—", key="edit_subtype",
                               index=subtypes.index(cand.get("subtype")))  # its own subtype is always offered
        title = st.text_input("Title", value=str(cand.get("title") or ""), key="edit_title")
        summary = st.text_area("Summary (your own words)", value=str(cand.get("summary") or ""), key="edit_summary")
        actors = st.multiselect("Actors", list(ds.actors), default=[a for a in cand.get("actors") or [] if a in ds.actors],
                                format_func=lambda a: names.get(a, a), key="edit_actors")
        place_value = cand.get("place")
        place_text = "; ".join(place_value) if isinstance(place_value, list) else str(place_value or "")
        p1, p2 = st.columns(2)
        place = p1.text_input("Place (gazetteer id or phrase; several separated by ';', a route origin first)",
                              value=place_text, key="edit_place")
        context = p2.text_input("Place context", value=str(cand.get("place_context") or ""), key="edit_context")
        d1, d2, d3 = st.columns(3)
        start = d1.text_input("Date from (YYYY-MM-DD)", value=str(cand.get("date_start") or ""), key="edit_start")
        end = d2.text_input("Date to (YYYY-MM-DD)", value=str(cand.get("date_end") or ""), key="edit_end")
        precisions = [None, *DATE_PRECISIONS]
        precision = d3.selectbox("Date precision", precisions, format_func=lambda p: p or "from the dates",
                                 index=precisions.index(cand.get("date_precision"))
                                 if cand.get("date_precision") in precisions else 0, key="edit_precision")
        status = None
        if kind == "facility":
            default_status = cand.get("review", {}).get("facility_status") or "active"
            status = st.selectbox("Facility status", STATUSES, index=STATUSES.index(default_status),
                                  key="edit_status")
        accepted = st.form_submit_button("Accept")
    if accepted:
        edits = review_form.edits_from_form(cand, kind=kind, subtype=subtype, title=title, summary=summary, actors=actors,
                                       place=place, place_context=context, date_start=start, date_end=end,
                                       date_precision=precision, status=status)
        _decide(lambda: review.accept(chosen_id, edits=edits, data_dir=folder, gazetteer=gz),
                "Not accepted: the record would not validate.",
                lambda record_id: f"Accepted as {record_id} (events/{settings.ACCEPTED_FILE}).")

with merge_tab:
    records = ds.frame.sort_values("id")
    same_kind = (records["kind"] == cand["kind"]).to_numpy()
    options = [*records["id"][same_kind], *records["id"][~same_kind]]  # records of the candidate's kind first
    titles = dict(zip(records["id"], records["title"]))
    target = st.selectbox("Existing record", options, format_func=lambda i: f"{titles.get(i, '')} · {i}",
                          key="merge_target")
    if st.button("Add this evidence to the record", key="merge_button", disabled=not options):
        _decide(lambda: review.merge_into(chosen_id, target, data_dir=folder, gazetteer=gz), "Not merged.",
                lambda changed: f"Evidence added to {target} ({changed}).")

with reject_tab:
    reason = st.text_input("Why (optional)", key="reject_reason")
    if st.button("Reject", key="reject_button"):
        _decide(lambda: review.reject(chosen_id, reason=reason or None, data_dir=folder), "Not rejected.",
                lambda _: f"Rejected {chosen_id}; it will not be proposed again.")
