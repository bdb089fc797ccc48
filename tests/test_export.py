"""Exports read back with the same features and properties, follow RFC 7946, and never half-write."""
from __future__ import annotations

import html
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import geopandas as gpd
import pyogrio
import pytest
import shapely

from _geo_helpers import DATA, DELETE, REPORTS, copy_data, edit_record
from geo.outputs.export import writers as export_mod
from geo.outputs.export.geojson import write_feature_collection
from geo.store import load_dataset
from geo.errors import ExportError
from geo.outputs.export.writers import RECORD_LAYERS, build_layers, export_dataset, export_frame
from geo.core.model import LAYERS
from geo.synthetic import synthetic_frame

TODAY = date(2026, 1, 1)
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture
def ds(fake_gazetteer):
    return load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)


@pytest.fixture
def exported(ds, tmp_path):
    out = tmp_path / "out"
    written = export_dataset(ds, out, ["geojson", "gpkg", "kml", "csv"])
    return ds, out, written


# --- RFC 7946 checks ------------------------------------------------------------------------------
def _signed_area(ring) -> float:
    xy = np.asarray(ring, dtype=float)
    return 0.5 * float(np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]))


def _positions(geometry):
    kind = geometry["type"]
    if kind == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from _positions(g)
        return
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[kind]
    stack = [(geometry["coordinates"], depth)]
    while stack:
        value, d = stack.pop()
        if d == 0:
            yield value
        else:
            stack.extend((v, d - 1) for v in value)


def _polygons(geometry):
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from _polygons(g)


def assert_rfc7946(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text, parse_float=str)  # keep each number's text to count decimals
    assert raw["type"] == "FeatureCollection" and "crs" not in raw
    for feature in raw["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        geometry = feature["geometry"]
        if geometry is None:
            continue
        for lon, lat in (p[:2] for p in _positions(geometry)):
            for number in (lon, lat):
                mantissa = str(number).lower().split("e")[0]
                decimals = mantissa.split(".")[1] if "." in mantissa else ""
                assert len(decimals) <= 6, number
            assert -180 <= float(lon) <= 180 and -90 <= float(lat) <= 90
        for rings in _polygons(geometry):
            ext, *holes = [[[float(x), float(y)] for x, y, *_ in ring] for ring in rings]
            assert _signed_area(ext) > 0, "exterior ring must be counter-clockwise"
            assert all(_signed_area(h) < 0 for h in holes), "holes must be clockwise"
    return json.loads(text)


# --- GeoJSON -------------------------------------------------------------------------------------
def test_geojson_one_file_per_layer_rfc7946(exported):
    ds, out, written = exported
    for layer in LAYERS:
        assert out / f"{layer}.geojson" in written
        assert_rfc7946(out / f"{layer}.geojson")
    mapped = ds.frame[ds.frame.geometry.notna()]
    total = sum(len(json.loads((out / f"{l}.geojson").read_text())["features"]) for l in RECORD_LAYERS)
    assert total == len(mapped) == 10


def test_geojson_reads_back_with_same_features_and_properties(exported):
    ds, out, _ = exported
    frame = ds.frame.set_index("id")
    for layer in RECORD_LAYERS:
        back = pyogrio.read_dataframe(out / f"{layer}.geojson")
        expected = frame[(frame["layer"] == layer) & frame.geometry.notna()]
        assert sorted(back["id"]) == sorted(expected.index)
        for _, got in back.iterrows():
            want = expected.loc[got["id"]]
            assert got["title"] == want["title"]
            assert got["confidence"] == pytest.approx(want["confidence"])
            assert got["geo_precision"] == want["geo_precision"]
            assert got["actors_str"] == want["actors_str"]
            assert pd.Timestamp(got["date_start"]) == want["date_start"]
            assert got.geometry.normalize().equals_exact(want.geometry.normalize(), 1e-6)  # same shape, reoriented


def test_geojson_properties_are_typed_and_carry_provenance(exported):
    _, out, _ = exported
    features = {f["id"]: f for f in json.loads((out / "facilities.geojson").read_text())["features"]}
    depot = features["fx-depot-bukamal"]["properties"]
    assert depot["actors"] == ["irgc"] and depot["actors_str"] == "irgc"
    assert depot["start"] == "2021-03-03" and depot["end"] is None  # active facility: open-ended
    assert depot["date_start"] == "2021-03-03" and depot["date_prec"] == 1
    assert depot["unverified"] is True and depot["confidence"] == 0.5
    for key in ("source_outlet", "source_via", "source_url", "source_caveat", "evidence_report", "evidence_start",
                "evidence_end", "evidence_sha256", "geo_precision", "where_prec", "uncertainty_m",
                "date_precision", "date_prec"):
        assert key in depot
    assert depot["evidence_start"] == 65 and isinstance(depot["evidence_start"], int)
    room = features["fx-ops-room-between"]["properties"]
    assert (room["start"], room["end"]) == ("2021-03-01", "2021-04-01")
    assert features["fx-depot-bukamal"]["geometry"] == {"type": "Point", "coordinates": [40.9167, 34.45]}


def test_places_layer_lists_referenced_places_with_counts(exported):
    _, out, _ = exported
    places = {f["id"]: f["properties"] for f in json.loads((out / "places.geojson").read_text())["features"]}
    assert places["bukamal"]["record_count"] == 2  # the depot and the route
    assert places["hafar"]["record_count"] == 2  # anchor of "between ..." and the union record
    assert "zone_55km" not in places and "baghdad" not in places
    zones = json.loads((out / "zones.geojson").read_text())["features"]
    assert [z["id"] for z in zones] == ["zone_55km"]


def test_geojson_orients_rings_and_rounds(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    clockwise_with_ccw_hole = {"type": "Polygon", "coordinates": [
        [[38.0, 34.0], [38.0, 35.0], [39.0, 35.0], [39.0, 34.0], [38.0, 34.0]],
        [[38.2, 34.2], [38.8, 34.2], [38.8, 34.8], [38.2, 34.8], [38.2, 34.2]],
    ]}
    clockwise_with_ccw_hole["coordinates"][0][1] = [38.0000001234567, 35.0]
    # A drawn area: its size is the uncertainty (the point's 2 km would understate it).
    edit_record(data, "fx-override-point", geometry=clockwise_with_ccw_hole, uncertainty_m=DELETE)
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    export_dataset(ds, tmp_path / "out", ["geojson"], kinds=["strike"])
    doc = assert_rfc7946(tmp_path / "out" / "strikes.geojson")
    feature = next(f for f in doc["features"] if f["id"] == "fx-override-point")
    exterior, hole = feature["geometry"]["coordinates"]
    assert [38.0, 35.0] in exterior  # 38.0000001234567 rounded to 6 decimals
    assert _signed_area(exterior) > 0 > _signed_area(hole)


def _reference_feature(row, geometry) -> dict:
    """What one feature must say, computed the slow obvious way (the test oracle)."""
    props = {}
    for key, value in row.items():
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        elif value is None or (not isinstance(value, list) and pd.isna(value)):
            value = None
        elif isinstance(value, (np.integer,)):
            value = int(value)
        elif isinstance(value, (np.floating,)):
            value = float(value)
        elif isinstance(value, np.bool_):
            value = bool(value)
        props[key] = value
    geom = None
    if geometry is not None:
        geom = json.loads(shapely.to_geojson(shapely.orient_polygons(
            shapely.transform(geometry, lambda c: np.round(c, 6)), exterior_cw=False)))
    return {"type": "Feature", "id": row["id"], "geometry": geom, "properties": props}


@pytest.mark.parametrize("layer_name", ["deployments", "facilities", "movements", "operations", "statements"])
def test_geojson_matches_reference_encoding(ds, layer_name):
    layer = build_layers(ds.frame)[layer_name]
    buf = io.BytesIO()
    write_feature_collection(layer, buf)
    doc = json.loads(buf.getvalue())
    props = pd.DataFrame(layer.drop(columns="geometry"))
    expected = [_reference_feature(row, g) for (_, row), g in zip(props.iterrows(), layer.geometry)]
    assert doc["features"] == expected
    if layer_name == "deployments":
        assert doc["features"][1]["properties"]["summary"] == '<b>Bold & brave</b> "quoted" — naïve text'


def test_geojson_escapes_every_string(tmp_path):
    values = ["plain", 'q"uote', "back\\slash", "nl\nx", "ctl\x00\x01\x1f end", None, "tab\tcr\r",
              "ünï ☃ 𝄞", "\u2028sep", "</script>"]
    gdf = gpd.GeoDataFrame({"id": [f"i{i}" for i in range(len(values))], "text": values},
                           geometry=[shapely.Point(38, 34)] * len(values), crs=4326)
    buf = io.BytesIO()
    write_feature_collection(gdf, buf)
    assert [f["properties"]["text"] for f in json.loads(buf.getvalue())["features"]] == values


def test_synthetic_round_trip_many_batches(tmp_path, monkeypatch):
    monkeypatch.setattr("geo.outputs.export.geojson.BATCH_ROWS", 700)
    frame = synthetic_frame(2_000, seed=5)
    export_frame(frame, tmp_path, ["geojson"])
    total = 0
    for layer in RECORD_LAYERS:
        doc = assert_rfc7946(tmp_path / f"{layer}.geojson")
        total += len(doc["features"])
        back = pyogrio.read_dataframe(tmp_path / f"{layer}.geojson")
        assert len(back) == len(doc["features"])
    assert total == 2_000
    assert "zones.geojson" not in {p.name for p in tmp_path.iterdir()}  # no gazetteer layers given


# --- GeoPackage ----------------------------------------------------------------------------------
def test_gpkg_one_table_per_layer(exported):
    ds, out, _ = exported
    path = out / "desert-atlas.gpkg"
    assert [name for name, _ in pyogrio.list_layers(path)] == list(LAYERS)
    facilities = pyogrio.read_dataframe(path, layer="facilities")
    assert sorted(facilities["id"]) == ["fx-depot-bukamal", "fx-ops-room-between"]
    room = facilities.set_index("id").loc["fx-ops-room-between"]
    assert room["actors"] == "irgc;hezbollah" and room["where_prec"] == 5
    assert pd.Timestamp(room["end"]) == pd.Timestamp("2021-04-01")
    assert pyogrio.read_dataframe(path, layer="statements")["id"].tolist() == ["fx-statement-syria",
                                                                               "fx-country-point"]
    assert len(pyogrio.read_dataframe(path, layer="places")) == len(ds.places)


# --- KML -----------------------------------------------------------------------------------------
def test_kml_is_escaped_valid_xml_with_folders_and_timespans(exported):
    ds, out, _ = exported
    root = ET.parse(out / "desert-atlas.kml").getroot()
    folders = {f.find(f"{KML}name").text: f.findall(f"{KML}Placemark") for f in root.iter(f"{KML}Folder")}
    assert list(folders) == list(LAYERS)
    assert len(folders["deployments"]) == 2 and len(folders["statements"]) == 2
    dangerous = next(p for p in folders["deployments"] if "HYPERLINK" in p.find(f"{KML}name").text)
    assert dangerous.find(f"{KML}name").text == '=HYPERLINK("http://evil.example","click")'
    description = dangerous.find(f"{KML}description").text  # HTML to Google Earth: escaped data, our tags
    assert description.startswith('<h3>=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)</h3>'
                                  '&lt;b&gt;Bold &amp; brave&lt;/b&gt; &quot;quoted&quot;')
    assert _html_tags(description) == ["h3", "br"]
    assert dangerous.find(f"{KML}TimeSpan/{KML}begin").text == "2021-02-10"
    data = {d.get("name"): d.text for d in dangerous.iter(f"{KML}SimpleData")}
    assert data["id"] == "fx-dangerous-cells" and data["actors"] == "hezbollah;saa"
    coords = dangerous.find(f"{KML}Point/{KML}coordinates").text
    assert coords == "36.2913,33.513"
    depot = next(p for p in folders["facilities"] if p.find(f"{KML}name").text == "Depot near al-Bukamal")
    assert depot.find(f"{KML}TimeSpan/{KML}end") is None  # active facility: open-ended
    multi = folders["operations"][0].find(f"{KML}MultiGeometry")
    assert len(multi.findall(f"{KML}Point")) == 2


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def _html_tags(html: str) -> list[str]:
    """The distinct element tags an HTML renderer would build from ``html`` (in order of appearance)."""
    parser = _Tags()
    parser.feed(html)
    return list(dict.fromkeys(parser.tags))


def test_kml_description_is_escaped_html_so_report_text_runs_nothing(tmp_path, fake_gazetteer):
    data = copy_data(tmp_path)
    outlet = "<img src=x onerror=alert('outlet')>"
    edit_record(data, "fx-strike-tanf", summary="<script>alert(1)</script>\nline two",
                sources=[{"report": "fx003", "outlet": outlet}])
    ds = load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=TODAY)
    export_dataset(ds, tmp_path / "out", ["kml"], kinds=["strike"])
    root = ET.parse(tmp_path / "out" / "desert-atlas.kml").getroot()
    mark = next(p for p in root.iter(f"{KML}Placemark") if p.find(f"{KML}name").text == "Drone attack near al-Tanf")
    description = mark.find(f"{KML}description").text  # after one XML parse: what Google Earth renders as HTML
    assert "&lt;img src=x onerror=alert(&#x27;outlet&#x27;)&gt;" in description
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in description
    assert "<img" not in description and "<script" not in description
    assert _html_tags(description) == ["h3", "br"]
    assert html.unescape(description.split("</h3>", 1)[1].replace("<br>", "\n")).startswith(
        "<script>alert(1)</script>\nline two\nSource: " + outlet)  # the reader sees the characters
    data_values = {d.get("name"): d.text for d in mark.iter(f"{KML}SimpleData")}
    assert data_values["source_outlet"] == outlet  # attributes stay plain text for GIS readers
    styles = root.findall(f"{KML}Document/{KML}Style/{KML}BalloonStyle/{KML}text")
    assert styles and {s.text for s in styles} == {"$[description]"}  # balloons show only the escaped HTML


def test_kml_reads_back_with_gdal(exported):
    _, out, _ = exported
    strikes = pyogrio.read_dataframe(out / "desert-atlas.kml", layer="strikes")
    assert sorted(strikes["Name"]) == ["Drone attack near al-Tanf", "Shelling at a hand-placed point"]
    assert set(strikes.geometry.geom_type) == {"Point"}


# --- CSV -----------------------------------------------------------------------------------------
def test_csv_acled_like_columns_and_numbers(exported):
    ds, out, _ = exported
    table = pd.read_csv(out / "desert-atlas.csv")
    assert len(table) == len(ds.frame) == 11  # unmapped records too
    assert list(table.columns[:4]) == ["event_id_cnty", "event_date", "date_end", "time_precision"]
    for column in ("latitude", "longitude", "confidence", "uncertainty_m", "geo_precision"):
        assert pd.api.types.is_float_dtype(table[column]), column
    assert pd.api.types.is_integer_dtype(table["date_prec"])
    row = table.set_index("event_id_cnty").loc["fx-depot-bukamal"]
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (34.45, 40.9167, 1)
    assert row["actor1"] == "Islamic Revolutionary Guard Corps" and row["time_precision"] == 1
    two = table.set_index("event_id_cnty").loc["fx-offensive-two-towns"]
    assert (two["actor1"], two["actor2"]) == ("Syrian Arab Army", "Russian Armed Forces")


def test_csv_neutralises_formula_cells(exported):
    _, out, _ = exported
    table = pd.read_csv(out / "desert-atlas.csv", dtype=str, keep_default_na=False)
    row = table.set_index("event_id_cnty").loc["fx-dangerous-cells"]
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["comments"] == "'+SUM(1,2) and @cmd"
    assert row["source"] == "'=Formula Outlet"
    risky = re.compile(r"^[=+\-@\t\r]")
    for column in table.columns:
        assert not table[column].str.match(risky).any(), column


# --- failures and arguments ------------------------------------------------------------------------
def test_failed_export_leaves_no_partial_file(ds, tmp_path, monkeypatch):
    out = tmp_path / "out"
    export_dataset(ds, out, ["geojson"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(frame, fh):
        fh.write("event_id_cnty,partial\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_mod, "write_csv", broken)
    with pytest.raises(ExportError, match="No space left on device"):
        export_dataset(ds, out, ["geojson", "gpkg", "kml", "csv"], kinds=["strike"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp, no csv, geojson untouched


def test_export_with_filters(ds, tmp_path):
    export_dataset(ds, tmp_path, ["geojson", "csv"], kinds=["facility"], start="2024-01-01")
    facilities = json.loads((tmp_path / "facilities.geojson").read_text())["features"]
    assert [f["id"] for f in facilities] == ["fx-depot-bukamal"]
    assert json.loads((tmp_path / "strikes.geojson").read_text())["features"] == []
    assert pd.read_csv(tmp_path / "desert-atlas.csv")["event_id_cnty"].tolist() == ["fx-depot-bukamal"]
    places = json.loads((tmp_path / "places.geojson").read_text())["features"]
    assert [p["id"] for p in places] == ["bukamal"]


def test_unknown_format(ds, tmp_path):
    with pytest.raises(ExportError, match="unknown format 'shp'"):
        export_dataset(ds, tmp_path, ["shp"])
    assert list(tmp_path.iterdir()) == []
