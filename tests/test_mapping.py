"""The dashboard map's data: honest geometry, escaped popups, binning, offline HTML, time steps."""
from __future__ import annotations

import base64
import html
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import shapely
from _dashboard import FIXTURES, XSS_RECORD, write_dashboard_data

from gazetteer import geodesy
from geo.outputs.webmap import mapping
from geo.core import timeline
from geo.outputs.binning import grid_bins
from geo.outputs.webmap.assets import external_urls, leaflet_css_text, leaflet_js_url
from geo.outputs.webmap.js import js_literal
from geo.outputs.webmap.legend import legend_html
from geo.outputs.webmap.popups import safe_link
from geo.outputs.export.writers import view_geojson
from geo.outputs.symbology import COUNTRY_OPACITY, PRECISION_OPACITY, display_geometries, layers_to_bin
from geo.store import load_dataset
from geo.core.filtering import filter_records
from geo.core.model import KIND_LAYERS, Actor

REPORTS = FIXTURES / "geo_reports"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, real_gazetteer):
    folder = write_dashboard_data(tmp_path_factory.mktemp("mapping") / "data")
    return load_dataset(folder, gazetteer=real_gazetteer, reports_dirs=[REPORTS])


@pytest.fixture(scope="module")
def layers(dataset):
    return mapping.layer_geojson(dataset.frame, actors=dataset.actors, reports=dataset.reports,
                                 report_dirs=[REPORTS])


def _features(layers) -> dict[str, dict]:
    return {f["properties"]["id"]: f for c in layers.values() for f in c["features"]}


def test_every_mapped_record_is_one_feature_in_its_kind_layer(dataset, layers):
    assert list(layers) == ["facilities", "deployments", "movements", "strikes", "operations", "statements"]
    mapped = dataset.frame[mapping.mapped_mask(dataset.frame)]
    by_id = _features(layers)
    assert sorted(by_id) == sorted(mapped["id"])
    assert "fx-statement-unmapped" not in by_id  # no place, no feature (it is counted in the page caption)
    for layer, collection in layers.items():
        assert not collection["aggregated"]
        ids = [f["properties"]["id"] for f in collection["features"]]
        kind = next(k for k, v in KIND_LAYERS.items() if v == layer)
        assert set(mapped.loc[mapped["id"].isin(ids), "kind"]) <= {kind}
        assert collection["records"] == len(ids) == int((mapped["kind"] == kind).sum())


def test_only_precise_points_are_pins_and_everything_else_an_area_or_line(dataset, layers):
    by_id = _features(layers)
    depot = by_id["fx-depot-bukamal"]  # exact place, facility → square pin
    assert depot["geometry"]["type"] == "Point" and depot["properties"]["k"] == "square"
    assert depot["properties"]["o"] == PRECISION_OPACITY[1]
    override = by_id["fx-override-point"]
    assert override["geometry"] == {"type": "Point", "coordinates": [38.5, 34.5]}
    assert override["properties"]["k"] == "star"
    assert by_id["fx-transfer-route"]["geometry"]["type"] == "LineString"
    for ident in ("fx-statement-syria", "fx-country-point"):  # country-level: an area, barely tinted
        feature = by_id[ident]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert "k" not in feature["properties"]
        assert feature["properties"]["q"] == 0 and feature["properties"]["o"] == COUNTRY_OPACITY
    region = by_id["fx-reinforce-desert"]
    assert region["geometry"]["type"] == "Polygon" and region["properties"]["o"] == PRECISION_OPACITY[3]
    near = by_id["fx-strike-tanf"]  # "near" a place: its uncertainty footprint, not a pin
    assert near["geometry"]["type"] == "Polygon" and near["properties"]["o"] == PRECISION_OPACITY[2]
    # Precise is drawn stronger than coarse, everywhere.
    assert depot["properties"]["o"] > near["properties"]["o"] > region["properties"]["o"] > COUNTRY_OPACITY
    # A pin only where the record's own geometry is a Point.
    frame = dataset.frame.set_index("id")
    for ident, feature in by_id.items():
        if feature["geometry"]["type"] == "Point":
            assert frame.loc[ident, "geometry"].geom_type == "Point"


def test_coarse_dates_are_dashed_and_exact_days_are_not(layers):
    by_id = _features(layers)
    assert by_id["fx-reinforce-desert"]["properties"]["d"] == 1  # month
    assert by_id["fx-strike-tanf"]["properties"]["d"] == 1  # week
    assert "d" not in by_id["fx-override-point"]["properties"]  # day
    assert "known only to the month" in by_id["fx-reinforce-desert"]["properties"]["p"]


def test_a_country_level_point_is_drawn_as_its_uncertainty_circle():
    frame = pd.DataFrame({"geo_precision": pd.array([3, 1], dtype="Int64"),
                          "where_prec": pd.array([6, 1], dtype="Int64"),
                          "uncertainty_m": [50_000.0, 500.0]})
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(frame, geometry=[shapely.Point(38.0, 35.0), shapely.Point(36.3, 33.5)], crs=4326)
    geoms, pin = display_geometries(gdf)
    assert pin.tolist() == [False, True]
    assert geoms[0].geom_type == "Polygon"
    minx, miny, maxx, maxy = geoms[0].bounds
    assert (maxy - miny) / 2 == pytest.approx(50_000 / 111_320, rel=0.01)
    assert geoms[0].contains(shapely.Point(38.0, 35.0))
    assert geoms[1].equals(shapely.Point(36.3, 33.5))


def test_a_point_with_region_codes_is_never_a_pin():
    import geopandas as gpd

    frame = pd.DataFrame({"geo_precision": pd.array([3, 2, None, 1], dtype="Int64"),
                          "where_prec": pd.array([5, 2, None, 1], dtype="Int64"),
                          "uncertainty_m": [0.0, 1500.0, 0.0, 0.0]})
    points = shapely.points([(38.0, 35.0), (37.0, 34.0), (39.0, 36.0), (36.3, 33.5)])
    geoms, pin = display_geometries(gpd.GeoDataFrame(frame, geometry=points, crs=4326))
    assert pin.tolist() == [False, False, False, True]
    # at least the pin limit, measured on the ellipsoid (the gazetteer's geodesic circle)
    ring = shapely.get_coordinates(geoms[0].exterior)
    assert [geodesy.distance_m(38.0, 35.0, x, y) for x, y in ring] == pytest.approx([2_000.0] * len(ring), rel=0.01)


def test_dashboard_and_map_images_share_one_list_of_neighbours():
    from geo import settings
    from geo.outputs.static import projection as _render_geo

    drawn = [name for name, _ in _render_geo.context_countries()]
    assert drawn and set(drawn) <= set(settings.CONTEXT_COUNTRIES)
    assert len(mapping.background_geojson(None)["neighbours"]["features"]) == len(drawn)


def test_popups_show_hostile_text_literally(layers):
    popup = _features(layers)["fx-xss-summary"]["properties"]["p"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert "&lt;script&gt;window.__xss_title = 1&lt;/script&gt;" in popup
    assert "&lt;b onmouseover=alert(2)&gt;Palmyra&lt;/b&gt;" in popup
    assert "<img" not in popup and "<script" not in popup and "<b " not in popup
    tooltip = _features(layers)["fx-xss-summary"]["properties"]["t"]
    assert tooltip.startswith("&lt;script&gt;")


def test_popup_carries_provenance_precision_and_the_quoted_evidence(layers):
    popup = _features(layers)["fx-depot-bukamal"]["properties"]["p"]
    quoted = (REPORTS / "fx001.txt").read_bytes().decode("utf-8")[65:149]
    assert quoted.startswith("A logistics depot")
    assert html.escape(quoted) in popup
    assert "fx001 [65:149]" in popup
    assert "Fixture Wire via Fixture Observer" in popup
    assert '<a href="https://example.org/fixture/1" target="_blank" rel="noopener noreferrer">' in popup
    assert "Unverified by its source" in popup and "has not verified" in popup
    assert "“west of al-Bukamal”" in popup and "exact place (geo_precision 1" in popup
    assert "Islamic Revolutionary Guard Corps" in popup
    # A record whose report text is not shipped has no quote, but still its source.
    reinforce = _features(layers)["fx-reinforce-desert"]["properties"]["p"]
    assert "da-quote" not in reinforce and "=Formula Outlet" in reinforce


def test_links_are_http_only():
    assert safe_link("javascript:alert(1)").startswith('<span class="da-nolink">javascript:alert(1)')
    assert "href" not in safe_link("//evil.example/x") and "href" not in safe_link("data:text/html,x")
    link = safe_link('https://example.org/a?b=1&c="2"')
    assert 'href="https://example.org/a?b=1&amp;c=&quot;2&quot;"' in link


def test_js_literal_round_trips_and_cannot_break_out_of_a_script():
    value = {"p": '</script><!-- <img src=x onerror=alert(1)> & alert(coords); map_div_1 \u2028', "n": [1.5, None]}
    text = js_literal(value)
    assert json.loads(text) == value
    for fragment in ("</", "<!--", "_", "alert(coords);", "\u2028"):
        assert fragment not in text


def test_a_crowded_view_is_binned_into_counts_small_enough_to_send():
    from geo.synthetic import synthetic_frame

    frame = synthetic_frame(30_000, seed=3)
    layers = mapping.layer_geojson(frame, max_features=mapping.MAX_FEATURES)
    individual = sum(len(c["features"]) for c in layers.values() if not c["aggregated"])
    assert individual <= mapping.MAX_FEATURES
    binned = [c for c in layers.values() if c["aggregated"]]
    assert binned
    for collection in binned:
        assert sum(f["properties"]["n"] for f in collection["features"]) == collection["records"]
        assert all(f["geometry"]["type"] == "Point" for f in collection["features"])
    assert sum(c["records"] for c in layers.values()) == int(mapping.mapped_mask(frame).sum())
    assert mapping.payload_bytes(layers) < 2_000_000


def test_layers_to_bin_takes_the_largest_layers_first():
    counts = {"strikes": 1_000, "facilities": 600, "movements": 10}
    assert layers_to_bin(counts, 5_000) == set()
    assert layers_to_bin(counts, 1_500) == {"strikes"}
    assert layers_to_bin(counts, 500) == {"strikes", "facilities"}


def test_grid_bins_count_and_place_circles_at_the_mean_of_their_records():
    lon = np.array([36.01, 36.03, 36.20, 38.60, np.nan])
    lat = np.array([33.51, 33.53, 33.60, 35.10, 35.0])
    bins = grid_bins(lon, lat, ["saa", "saa", "irgc", "isis", "saa"], [True, False, False, True, True],
                     cell_deg=0.25)
    order = np.argsort(bins.lon)
    assert bins.count[order].tolist() == [3, 1]
    assert bins.lon[order][0] == pytest.approx((36.01 + 36.03 + 36.20) / 3)
    assert bins.lat[order][1] == pytest.approx(35.10)
    assert bins.actor_categories[bins.top_actor[order][0]] == "saa"
    assert bins.top_actor_count[order].tolist() == [2, 1]
    assert bins.coarse[order].tolist() == [1, 1]


def test_the_map_html_loads_nothing_from_the_network(dataset, layers, real_gazetteer):
    background = mapping.background_geojson(real_gazetteer)
    m = mapping.build_map(dataset.frame, zones=dataset.zones, background=background, actors=dataset.actors,
                          layers=layers, tiles=True)
    page = m.get_root().render()
    assert external_urls(page) == []
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "unpkg", "awesome-markers"):
        assert cdn not in page
    assert '<script src="data:text/javascript;base64,' in page
    assert '<link rel="stylesheet" href="data:text/css;base64,' in page
    assert "url(images/" not in leaflet_css_text() and "url(data:image/png;base64," in leaflet_css_text()
    # Web tiles are only offered (in the layer control), never added to the map on load.
    tile_vars = re.findall(r"var (tile_layer_\w+) = L\.tileLayer\(", page)
    assert len(tile_vars) == len(mapping.WEB_TILES)
    for name in tile_vars:
        assert f"{name}.addTo(" not in page
    for name, url, _ in mapping.WEB_TILES:
        assert f'"{name}"' in page


def test_background_towns_are_syrian_cities_and_governorates_need_imported_boundaries(real_gazetteer):
    background = mapping.background_geojson(real_gazetteer)
    towns = [f["properties"]["l"] for f in background["towns"]["features"]]
    assert {"Damascus", "Aleppo", "Palmyra", "Deir ez-Zor"} <= set(towns)
    assert "Beirut" not in towns and "Baghdad" not in towns
    assert background["border"]["features"] and background["neighbours"]["features"]
    gov = SimpleNamespace(id="SY01", name="<Damascus>", feature_type="governorate",
                          shape=shapely.box(36.2, 33.4, 36.4, 33.6), country="SY")
    without = mapping.background_geojson(SimpleNamespace(places=[gov], boundaries=None), neighbours=())
    assert without["governorates"]["features"] == []
    imported = mapping.background_geojson(SimpleNamespace(places=[gov], boundaries="Test boundaries"),
                                          neighbours=())
    assert [f["properties"]["t"] for f in imported["governorates"]["features"]] == ["&lt;Damascus&gt; governorate (SY01)"]
    assert imported["governorates"]["source"] == "Test boundaries"


def test_legend_escapes_actor_names_and_rejects_unsafe_colours():
    actors = {"x": Actor(id="x", name="<script>bad()</script>", color="red;background:url(x)"),
              "y": Actor(id="y", name="Plain", color="#0072B2")}
    text = legend_html(actors)
    assert "&lt;script&gt;bad()&lt;/script&gt;" in text and "<script" not in text
    assert "url(x)" not in text and 'fill="#0072B2"' in text


def test_view_geojson_is_the_exporters_records_of_the_view(dataset):
    window = filter_records(dataset.frame, start="2021-03-01", end="2021-03-31")
    data = json.loads(view_geojson(window))
    assert data["type"] == "FeatureCollection"
    ids = sorted(f["id"] for f in data["features"])
    assert ids == sorted(window.loc[mapping.mapped_mask(window), "id"])
    depot = next(f for f in data["features"] if f["id"] == "fx-depot-bukamal")
    assert depot["properties"]["start"] == "2021-03-03" and depot["properties"]["end"] is None


def test_place_search_centres_on_the_answer_or_reports_unresolved(real_gazetteer):
    found = mapping.search_result(real_gazetteer.resolve("Deri Ezzor"))
    assert found is not None
    (lat, lon), zoom, _group = found
    assert lat == pytest.approx(35.336, abs=0.01) and lon == pytest.approx(40.141, abs=0.01)
    assert 10 <= zoom <= 13
    assert mapping.search_result(real_gazetteer.resolve("Xyzzyplace")) is None
    region = mapping.view_for(shapely.box(36.0, 33.0, 40.0, 36.0))
    assert region[1] < zoom


def test_step_window_moves_by_calendar_steps_and_stops_at_the_edges():
    bounds = (date(2021, 1, 1), date(2021, 12, 31))
    assert timeline.step_window((date(2021, 3, 1), date(2021, 3, 31)), "month", 1, bounds) == (
        date(2021, 4, 1), date(2021, 4, 30))
    assert timeline.step_window((date(2021, 3, 10), date(2021, 3, 16)), "week", -1, bounds) == (
        date(2021, 3, 3), date(2021, 3, 9))
    # At an edge the window keeps its width and sits flush with the edge.
    assert timeline.step_window((date(2021, 12, 1), date(2021, 12, 20)), "month", 1, bounds) == (
        date(2021, 12, 12), date(2021, 12, 31))
    assert timeline.step_window((date(2021, 1, 5), date(2021, 2, 5)), "quarter", -1, bounds) == (
        date(2021, 1, 1), date(2021, 2, 1))
    with pytest.raises(ValueError, match="unknown step"):
        timeline.step_window(bounds, "fortnight", 1, bounds)


def test_dataset_span_and_counts_per_actor(dataset):
    frame = dataset.frame
    assert timeline.dataset_span(frame) == (date(2021, 1, 1), date(2021, 12, 31))
    one_day = frame[frame["id"] == "fx-override-point"].assign(date_end=pd.Timestamp("2021-07-01"))
    assert timeline.dataset_span(one_day) == (date(2021, 7, 1), date(2021, 7, 2))  # a slider needs two ends
    empty = timeline.dataset_span(frame.head(0))
    assert empty[0] < empty[1]
    counts = timeline.counts_by_actor(frame, {a.id: a.name for a in dataset.actors.values()}, freq="M")
    assert counts["count"].sum() == sum(len(a) for a in frame["actors"])
    june = counts[counts["period"] == pd.Timestamp("2021-06-01")].set_index("actor")["count"].to_dict()
    expected = frame[frame["date_start"].dt.month == 6]
    assert sum(june.values()) == sum(len(a) for a in expected["actors"])
    assert set(XSS_RECORD["actors"]) <= {a for v in frame["actors"] for a in v}


def test_filters_change_the_layers(dataset):
    """The map shows exactly what ``filter_records`` keeps (no second filtering rule here)."""
    march = filter_records(dataset.frame, start="2021-03-01", end="2021-03-31")
    only_saa = filter_records(dataset.frame, actors=["saa"])
    for view in (march, only_saa):
        ids = sorted(_features(mapping.layer_geojson(view, actors=dataset.actors)))
        assert ids == sorted(view.loc[mapping.mapped_mask(view), "id"])
    assert 0 < len(march) < len(dataset.frame) and 0 < len(only_saa) < len(dataset.frame)


def test_leaflet_assets_come_from_the_installed_package():
    import xstatic.pkg.leaflet as xleaflet

    js = base64.b64decode(leaflet_js_url().split(",", 1)[1])
    assert js == (Path(xleaflet.BASE_DIR) / "leaflet.js").read_bytes()
