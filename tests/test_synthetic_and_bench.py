"""The synthetic generator matches Dataset.frame; ``python -m benchmarks`` dispatches by name."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np

from _geo_helpers import DATA, REPORTS
from geo.store import load_dataset
from geo.core.model import KINDS
from geo.synthetic import synthetic_frame

REPO = Path(__file__).resolve().parent.parent


def test_same_shape_as_dataset_frame(fake_gazetteer):
    real = load_dataset(DATA, gazetteer=fake_gazetteer, reports_dirs=[REPORTS], today=date(2026, 1, 1)).frame
    synth = synthetic_frame(500, seed=1)
    assert list(synth.columns) == list(real.columns)
    assert synth.dtypes.astype(str).to_dict() == real.dtypes.astype(str).to_dict()
    assert synth.crs == real.crs


def test_seeded_and_plausible():
    a, b = synthetic_frame(2_000, seed=9), synthetic_frame(2_000, seed=9)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert a.geometry.geom_equals(b.geometry).all()
    assert not a["confidence"].equals(synthetic_frame(2_000, seed=10)["confidence"])
    assert a["id"].is_unique and set(a["kind"]) == set(KINDS)
    assert set(a.geometry.geom_type) == {"Point", "Polygon", "LineString"}
    assert (a.loc[a["kind"] == "movement"].geometry.geom_type == "LineString").all()
    assert (a["date_end"] >= a["date_start"]).all()
    assert a["confidence"].between(0, 1).all()
    assert a["latitude"].between(32, 38).all() and a["longitude"].between(35, 43).all()
    polygons = a[a.geometry.geom_type == "Polygon"]
    assert (polygons["geo_precision"] == 3).all()
    inside = [g.contains(p) for g, p in zip(polygons.geometry[:50], polygons.representative_point()[:50])]
    assert all(inside)
    assert np.isin(a["date_prec"], [1, 2, 3, 4, 5]).all()


def _run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))


def test_benchmarks_unknown_name_is_one_line_error():
    result = _run("nope")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown benchmark 'nope'" in result.stderr
    assert "export" in result.stderr


def test_export_benchmark_prints_bench_lines():
    result = _run("export", "--rows", "3000", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    lines = dict(re.findall(r"^BENCH (\S+) ([0-9.]+)$", result.stdout, flags=re.M))
    assert set(lines) == {"export.geojson_3k_s", "export.geopandas_3k_s", "export.speedup_vs_geopandas"}
    assert all(float(v) > 0 for v in lines.values())


def test_synthetic_data_folder_is_valid_and_inside_syria(tmp_path, real_gazetteer):
    """``python -m geo synthetic`` writes a folder that loads through the same path as real data."""
    out = tmp_path / "big"
    done = subprocess.run([sys.executable, "-m", "geo", "synthetic", "--rows", "600", "--out", str(out), "--seed", "3"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ds = load_dataset(out, gazetteer=real_gazetteer, reports_dirs=[])  # raises on any problem
    frame = ds.frame
    assert len(frame) == 600 and set(frame["kind"]) == set(KINDS)
    import shapely

    from geo import settings

    lon, lat = frame["longitude"].to_numpy(), frame["latitude"].to_numpy()
    assert shapely.contains_xy(shapely.box(*settings.SYRIA_EXTENT), lon, lat).all()
    # The country outline is coarse (27 vertices): the coast and border towns lie just outside it.
    inside = shapely.contains_xy(real_gazetteer.get("syria").geometry.buffer(0.1), lon, lat)
    assert inside.mean() >= 0.97, frame.loc[~inside, ["id", "place_query"]]
    assert set(frame["geo_precision"].dropna()) >= {1, 2, 3}  # pins, near-places and regions
    assert frame["date_precision"].nunique() >= 3
    again = subprocess.run([sys.executable, "-m", "geo", "synthetic", "--rows", "10", "--out", str(out)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1 and "already holds a data folder" in again.stderr
