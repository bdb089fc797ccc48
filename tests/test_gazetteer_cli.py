"""The gazetteer's command line, its importers, its data validation and the online fallback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gazetteer import DataError, build, settings
from gazetteer.online import OnlineGeocoder
from _requires import OCHA_BOUNDARIES, require

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if home is not None:
        env["DESERT_ATLAS_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "gazetteer", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


@pytest.fixture
def local_home(tmp_path, monkeypatch):
    """An empty local data folder: no imported boundaries or GeoNames dumps."""
    monkeypatch.setattr(settings, "LOCAL_DIR", tmp_path)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    return tmp_path


def test_cli_resolve_prints_json(tmp_path):
    out = run("resolve", "Albu Kamal", "--context", "Deir ez-Zor", home=tmp_path)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["id"] == "bukamal" and d["resolved"] is True and d["governorate"] == "SY09"
    assert "boundaries" in d  # says that no boundaries are imported


def test_cli_unresolved_exits_non_zero_with_suggestions(tmp_path):
    out = run("resolve", "Sukhnaville", home=tmp_path)
    assert out.returncode == 1
    d = json.loads(out.stdout)
    assert d["resolved"] is False and d["alternatives"][0]["id"] == "sukhnah"


def test_cli_jsonl_keeps_order_and_reports_bad_lines(tmp_path):
    lines = [{"name": "Koniko"}, {"name": "Suran", "context": "Aleppo"}, "not json",
             {"name": "30 km from the 55 km zone"}]
    stdin = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    out = run("resolve", "--jsonl", stdin=stdin, home=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Koniko", "Suran", "not json", "30 km from the 55 km zone"]
    assert rows[0]["id"] == "conoco_field"
    assert rows[1]["governorate"] == "SY02"
    assert "error" in rows[2] and "line 3" in rows[2]["error"]
    assert rows[3]["geometry"]["type"] in ("Polygon", "MultiPolygon") and rows[3]["parse"]["relation"] == "distance"


def test_import_geonames_dump_extends_the_gazetteer(local_home, tmp_path):
    cols = ["9000001", "Qasr Zzubaydi", "Qasr Zzubaydi", "Qasr az-Zubaydi,Kasr Zubaidi", "34.60000", "38.20000", "P",
            "PPL", "SY", "", "11", "", "", "", "1200", "", "400", "Asia/Damascus", "2024-01-01"]
    base = ["9000002", "Jabal Zzarqa", "Jabal Zzarqa", "", "34.90000", "38.90000", "T", "MT", "SY", "", "11", "",
            "", "", "0", "", "800", "Asia/Damascus", "2024-01-01"]
    dump = tmp_path / "SY.txt"
    dump.write_text("\t".join(cols) + "\n" + "\t".join(base) + "\n", encoding="utf-8")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t9000001\tar\tقصر الزبيدي\t\t\t\t\t\t\n2\t9000001\tlink\thttps://example.invalid\t\t\t\t\t\t\n",
                   encoding="utf-8")
    from gazetteer.importers import import_geonames
    assert import_geonames(dump, alt) == 2
    gz = build()
    res = gz.resolve("Kasr Zubaidi")
    assert res.id == "gn:9000001" and res.governorate == "SY04"
    assert gz.resolve("قصر الزبيدي").id == "gn:9000001"
    assert gz.resolve("https://example.invalid").resolved is False
    assert gz.get("gn:9000002").feature_type == "mountain"
    assert "imported" in gz.get("gn:9000001").source


def test_import_geonames_rejects_a_file_that_is_not_a_dump(local_home, tmp_path):
    bad = tmp_path / "SY.txt"
    bad.write_text("just,a,csv\n", encoding="utf-8")
    out = run("import-geonames", str(bad), home=local_home)
    assert out.returncode == 2 and "columns" in out.stderr and "SY.txt" in out.stderr


@pytest.fixture
def ocha_file():
    return require(OCHA_BOUNDARIES, "OCHA's boundaries file")


def test_import_boundaries_sharpens_countryside_footprints(local_home, ocha_file):
    before = build()
    rough = before.resolve("the eastern countryside of Homs")
    assert "no imported governorate boundaries" in rough.note
    from gazetteer.importers import import_boundaries
    names = import_boundaries(ocha_file, source="OCHA COD-AB v02")
    assert sorted(names) == [f"SY{i:02d}" for i in range(1, 15)]
    after = build()
    assert after.boundaries == "OCHA COD-AB v02"
    sharp = after.resolve("the eastern countryside of Homs")
    assert sharp.note == ""
    assert sharp.geometry.within(after["SY04"].geometry.buffer(1e-6))
    # Points are assigned to the governorate whose imported shape holds them.
    assert after.resolve("Palmyra").governorate == "SY04"
    assert after.resolve("Lataminah").governorate == "SY05"


def test_import_boundaries_reports_unmatched_features(local_home, tmp_path):
    src = tmp_path / "bad.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Atlantis"},
         "geometry": {"type": "Polygon", "coordinates": [[[36, 33], [37, 33], [37, 34], [36, 33]]]}}]}))
    out = run("import-boundaries", str(src), home=local_home)
    assert out.returncode == 2
    assert "Atlantis" in out.stderr and "no feature for governorate(s) SY01" in out.stderr
    assert not (local_home / "boundaries" / "admin1.geojson").exists()


def test_bad_curated_data_lists_every_problem(tmp_path, local_home):
    (tmp_path / "governorates.yaml").write_text(
        "- {id: SY04, name: Homs, bbox: [36.3, 33.2, 41.0, 35.2], source: test}\n", encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "- {id: a, name: A, type: town, lat: 95, lon: 37, uncertainty_m: 10}\n"
        "- {id: b, name: B, type: town, lat: 34, lon: 37, governorate: SY99, uncertainty_m: 10}\n"
        "- {id: c, name: C, type: zone, circle: {center: nowhere, radius_km: 5}, uncertainty_m: 0}\n"
        "- {id: a, name: A2, type: town, lat: 34, lon: 37, uncertainty_m: 10, colour: red}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        build(curated_dir=tmp_path)
    text = str(err.value)
    assert "entry a: field 'lat': 95" in text
    assert "entry b: field 'governorate': unknown p-code 'SY99'" in text
    assert "entry c: field 'circle': unknown center 'nowhere'" in text
    assert "entry a: field 'colour': unknown field" in text
    assert "entry a: field 'id': duplicate id" in text
    assert len(err.value.problems) == 5


def test_a_key_given_twice_is_a_problem_not_a_silent_overwrite(tmp_path, local_home):
    (tmp_path / "governorates.yaml").write_text(
        "- {id: SY04, name: Homs, bbox: [36.3, 33.2, 41.0, 35.2], source: test}\n", encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "- id: a\n  name: A\n  type: town\n  lat: 34.1\n  lat: 34.9\n  lon: 37\n  uncertainty_m: 10\n",
        encoding="utf-8")
    with pytest.raises(DataError) as err:
        build(curated_dir=tmp_path)
    assert "places.yaml" in str(err.value) and "duplicate key 'lat'" in str(err.value)


class FakeLocation:
    def __init__(self, lat, lon):
        self.latitude, self.longitude, self.address = lat, lon, "Somewhere, Syria"
        self.raw = {"boundingbox": [str(lat - 0.01), str(lat + 0.01), str(lon - 0.01), str(lon + 0.01)]}


class FakeGeocoder:
    def __init__(self):
        self.calls: list[str] = []

    def geocode(self, query, **kwargs):
        self.calls.append(query)
        return FakeLocation(34.5, 38.3) if "known" in query else None


def test_online_fallback_is_rate_limited_cached_and_marked(local_home):
    now = [100.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    fake = FakeGeocoder()
    online = OnlineGeocoder(fake, cache_path=local_home / "online.json", sleep=sleep, clock=lambda: now[0])
    gz = build(online=online)
    off = gz.resolve("Zzknown hamlet")
    assert not off.resolved and fake.calls == []  # off by default
    first = gz.resolve("Zzknown hamlet", online=True)
    second = gz.resolve("Zzknown other", online=True)
    assert first.resolved and "online" in first.provenance and first.feature_type == "online"
    assert second.resolved and second.uncertainty_m > 500
    assert fake.calls == ["Zzknown hamlet", "Zzknown other"]
    assert slept and sum(slept) >= 0.99  # one request per second
    again = gz.resolve("Zzknown hamlet", online=True)
    assert fake.calls == ["Zzknown hamlet", "Zzknown other"]  # served from the disk cache
    assert again.lat == pytest.approx(34.5)
    assert json.loads((local_home / "online.json").read_text())["Zzknown hamlet"]["lat"] == 34.5


def test_settings_read_the_environment_at_each_call(monkeypatch, tmp_path):
    """Like geo.settings: constants are defaults, the functions read the environment when asked."""
    from gazetteer import settings as gz_settings

    for name in ("DESERT_ATLAS_HOME", "DESERT_ATLAS_CACHE", "DESERT_ATLAS_GAZETTEER", "DESERT_ATLAS_ONLINE"):
        monkeypatch.delenv(name, raising=False)
    assert gz_settings.local_dir() == gz_settings.LOCAL_DIR
    assert gz_settings.cache_dir() == gz_settings.LOCAL_DIR / "cache" and gz_settings.online() is False
    monkeypatch.setenv("DESERT_ATLAS_HOME", str(tmp_path / "home"))
    assert gz_settings.local_dir() == tmp_path / "home" and gz_settings.cache_dir() == tmp_path / "home" / "cache"
    monkeypatch.setenv("DESERT_ATLAS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DESERT_ATLAS_GAZETTEER", str(tmp_path / "curated"))
    monkeypatch.setenv("DESERT_ATLAS_ONLINE", "1")
    assert gz_settings.cache_dir() == tmp_path / "cache" and gz_settings.curated_dir() == tmp_path / "curated"
    assert gz_settings.online() is True
