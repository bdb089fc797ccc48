"""import-places: the shared HOT-OSM file, OCHA-style CSV tables, projected files and bad input.

The shared file (ODbL) is read from ../shared and imported into a temporary folder only.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gazetteer import SourceFileError, build
from gazetteer.place_files import import_places
from _requires import SHARED, require

ROOT = Path(__file__).resolve().parent.parent
OSM_PLACES = SHARED / "gazetteers" / "syr_populated_places_osm.gpkg"
FAMOUS = ("Aleppo", "Homs", "al-Bukamal", "Deir ez-Zor", "55 km zone")


@pytest.fixture(scope="module")
def osm_frame():
    import pyogrio

    return pyogrio.read_dataframe(require(OSM_PLACES, "the shared OSM populated-places file"))


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dx = (lon1 - lon2) * math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    return math.hypot(dx, (lat1 - lat2) * 110.57)


def variant(name: str) -> str | None:
    """How another source might spell the name: "el-" for "al-", the article dropped, Tell/Tal, Kafr/Kfar."""
    for pattern, repl in ((r"^(A[lnrsdtz])-", "el-"), (r"^Al ", ""), (r"\bTell\b", "Tal"), (r"\bKafr\b", "Kfar"),
                          (r"\bDeir\b", "Dayr"), (r"\bAin\b", "Ein"), (r"iyeh\b", "iyah"), (r"\bKhirbet\b", "Khirbat")):
        if re.search(pattern, name):
            return re.sub(pattern, repl, name, count=1)
    return None


def share_near(gz, frame, column: str, spell=lambda n: n) -> tuple[float, int]:
    """Share of rows whose (respelt) name, with the row's governorate as context, resolves within 5 km."""
    ok = n = 0
    for name, adm1, geom in zip(frame[column], frame["adm1_name"], frame.geometry):
        query = spell(name) if isinstance(name, str) and name else None
        if not query:
            continue
        n += 1
        res = gz.resolve(query, context=adm1)
        ok += bool(res.resolved and km(res.lon, res.lat, geom.x, geom.y) <= 5.0)
    return ok / n, n


def test_import_the_shared_osm_file(local_home, osm_frame):
    before = build()
    famous = {q: before.resolve(q) for q in FAMOUS}
    t0 = time.perf_counter()
    info, skipped = import_places(OSM_PLACES)
    assert time.perf_counter() - t0 <= 5.0
    assert info.count + skipped == len(osm_frame) == 2255
    assert info.licence.startswith("ODbL") and info.kind == "places"
    doc = json.loads(info.path.read_text(encoding="utf-8"))
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o644
    assert doc["columns"]["name"] == "name:en" and doc["columns"]["name_ar"] == "name:ar"
    assert doc["columns"]["kind"] == "place"
    first = next(p for p in doc["places"] if p["id"] == "osm:node/4020270815")
    assert first["name"] == "Sarjin" and "سرجين" in first["aliases"] and first["type"] == "village"
    assert (first["lat"], first["lon"]) == pytest.approx((35.79692, 40.88985), abs=1e-5)
    assert first["governorate"] == "SY08" and first["admin2"] == "Al-Hasakeh" and first["admin3"] == "Markada"
    assert {p["type"] for p in doc["places"]} == {"city", "town", "village", "hamlet"}

    gz = build()
    for q, old in famous.items():  # famous places keep their answers
        new = gz.resolve(q)
        assert new.resolved and new.id == old.id, q
        assert (new.lon, new.lat) == pytest.approx((old.lon, old.lat)), q
        assert new.confidence >= min(old.confidence, 0.9), q

    sample = osm_frame[~osm_frame["name:en"].duplicated(keep=False)]
    by_en, n_en = share_near(gz, sample, "name:en")
    by_ar, n_ar = share_near(gz, sample, "name:ar")
    by_variant, n_var = share_near(gz, sample, "name:en", variant)
    assert n_en > 2000 and n_ar > 2000 and n_var > 200
    print(f"resolved within 5 km, with the governorate as context: English {by_en:.3f} of {n_en}, "
          f"Arabic {by_ar:.3f} of {n_ar}, variant spellings {by_variant:.3f} of {n_var}")
    assert by_en >= 0.9 and by_ar >= 0.9 and by_variant >= 0.8, (by_en, by_ar, by_variant)


def test_merged_entries_keep_both_sources(local_home, osm_frame):
    raqqa = build().resolve("Raqqa").id
    import_places(OSM_PLACES)
    gz = build()
    assert gz.resolve("Ar-Raqqa").id == raqqa  # the curated city, now also known under the OSM names
    assert any("OpenStreetMap" in s for s in gz[raqqa].sources) and len(gz[raqqa].sources) >= 2
    assert gz.resolve("الرقة").id == raqqa
    sarjin = gz.resolve("Sarjin")
    assert sarjin.resolved and "ODbL" in sarjin.provenance and sarjin.governorate == "SY08"
    assert (sarjin.lon, sarjin.lat) == pytest.approx((40.88985, 35.79692), abs=1e-5)


def test_ocha_style_csv_with_lat_lon(local_home, tmp_path):
    csv = tmp_path / "syr_pplp_cod.csv"
    csv.write_text(
        "ADM4_PCODE,ADM4_EN,ADM4_AR,ADM4_ALT1_EN,ADM1_EN,ADM1_PCODE,ADM2_EN,ADM3_EN,Latitude,Longitude\n"
        "C9991,Qzzirat Hamad,قزيرة حمد,Kuzirat Hammad,Deir-ez-Zor,SY09,Al Mayadin,Thiban,35.0123,40.4567\n"
        "C9992,Bqwzayl,بقوزيل,,Ar-Raqqa,SY11,Tell Abiad,Suluk,36.4,38.9\n", encoding="utf-8")
    info, skipped = import_places(csv, licence="CC BY 3.0 IGO")
    assert info.count == 2 and skipped == 0 and info.name == "syr_pplp_cod"
    doc = json.loads(info.path.read_text(encoding="utf-8"))
    row = doc["places"][0]
    assert row["id"] == "syr-pplp-cod:C9991" and row["name"] == "Qzzirat Hamad"
    assert set(row["aliases"]) == {"قزيرة حمد", "Kuzirat Hammad"}
    assert (row["governorate"], row["admin2"], row["admin3"]) == ("SY09", "Al Mayadin", "Thiban")
    assert (row["lat"], row["lon"]) == (35.0123, 40.4567)
    gz = build()
    place = gz["syr-pplp-cod:C9991"]
    assert place.admin2 == "Al Mayadin" and place.sources == ("syr_pplp_cod (imported from syr_pplp_cod.csv; "
                                                             "CC BY 3.0 IGO)",)
    res = gz.resolve("Qzzirat Hamad", context="Deir ez-Zor")
    assert res.id == "syr-pplp-cod:C9991" or res.alternatives[0].id == "syr-pplp-cod:C9991"


def test_projected_shapefile_with_explicit_fields(local_home, tmp_path):
    import geopandas as gpd
    from pyproj import Transformer
    from shapely.geometry import Point

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
    x, y = to_utm.transform(38.25, 35.5)
    frame = gpd.GeoDataFrame({"nm": ["Bqwx Tahtani"], "other": ["Bqwx Lower"], "fclass": ["hamlet"],
                              "gov": ["Ar-Raqqa"]}, geometry=[Point(x, y)], crs="EPSG:32637")
    shp = tmp_path / "places.shp"
    frame.to_file(shp)
    info, _ = import_places(shp, name_field="nm", alt_name_fields=["other"], admin_fields=["gov"], source="Survey")
    row = json.loads(info.path.read_text(encoding="utf-8"))["places"][0]
    assert (row["lon"], row["lat"]) == pytest.approx((38.25, 35.5), abs=1e-6)
    assert row["type"] == "hamlet" and row["aliases"] == ["Bqwx Lower"] and row["governorate"] == "SY11"
    with pytest.raises(SourceFileError, match=r"places\.shp: name column 'nope' not found"):
        import_places(shp, name_field="nope")


def test_bad_rows_are_all_reported_and_nothing_is_written(local_home, tmp_path):
    csv = tmp_path / "villages.csv"
    csv.write_text("name,lat,lon\nGood One,35.0,38.0\nNo Number,north,38.0\nGood Two,35.1,38.1\n"
                   "In Cyprus,35.1,33.4\nSwapped,38.5,35.2\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as err:
        import_places(csv)
    text = str(err.value)
    assert text.splitlines()[0] == f"{csv}: 3 problem(s), nothing imported:"
    assert f"{csv}: row 2 (line 3, No Number): field 'lat': not a number: 'north'" in text
    assert "row 4 (In Cyprus): field 'geometry': lon 33.40000, lat 35.10000 is outside Syria" in text
    assert "row 5 (Swapped)" in text and "swapped?" in text
    assert not (local_home / "sources").exists() or not list((local_home / "sources").iterdir())
    out = subprocess.run([sys.executable, "-m", "gazetteer", "import-places", str(csv)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120, env={**os.environ, "DESERT_ATLAS_HOME": str(local_home)})
    assert out.returncode == 2 and out.stderr.startswith(f"error: {csv}: 3 problem(s)")


def test_unreadable_and_nameless_files(local_home, tmp_path):
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(SourceFileError, match="junk.gpkg: cannot be read"):
        import_places(junk)
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("label,lat,lon\nX,35,38\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="nameless.csv: no name column found .*give --name-field"):
        import_places(nameless)


def test_cli_import_places_and_sources(local_home, tmp_path):
    csv = tmp_path / "team.csv"
    csv.write_text("name,name:ar,place,lat,lon\nBqwx Fawqani,بقوكس,village,35.2,38.2\n,,village,35.3,38.3\n",
                   encoding="utf-8")
    env = {**os.environ, "DESERT_ATLAS_HOME": str(local_home)}
    out = subprocess.run([sys.executable, "-m", "gazetteer", "import-places", str(csv), "--source", "Team",
                          "--licence", "CC0"], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "imported 1 places" in out.stdout and "1 row(s) without a name skipped" in out.stdout
    listing = subprocess.run([sys.executable, "-m", "gazetteer", "sources", "--json"], capture_output=True,
                             text=True, cwd=ROOT, timeout=120, env=env)
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert [(r["name"], r["rows"], r["entries"], r["licence"]) for r in rows] == [("Team", 1, 1, "CC0")]
