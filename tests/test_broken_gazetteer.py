"""Broken gazetteer data is one line naming the file, wherever geo loads the gazetteer.

Every command and the dashboard get the gazetteer through ``geo.core.gazetteer_access``, which
turns the gazetteer's own errors into a ``geo.errors.GazetteerError``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _geo_helpers import DATA, REPORTS

REPO = Path(__file__).resolve().parent.parent
BAD_ENTRY = """
- id: not_a_place
  name: Nowhere
  type: village
  governorate: SY04
  country: SY
  lat: north
  lon: 38.0
  uncertainty_m: 1000
  source: a test entry with a broken latitude
"""


@pytest.fixture(scope="module")
def broken_env(tmp_path_factory) -> dict[str, str]:
    """Environment of a curated gazetteer whose places.yaml has one broken field."""
    root = tmp_path_factory.mktemp("broken-gazetteer")
    curated = root / "gazetteer"
    shutil.copytree(REPO / "data" / "gazetteer", curated)
    with open(curated / "places.yaml", "a", encoding="utf-8") as fh:
        fh.write(BAD_ENTRY)
    return {**os.environ, "DESERT_ATLAS_GAZETTEER": str(curated), "DESERT_ATLAS_HOME": str(root / "home"),
            "DESERT_ATLAS_REPORTS": str(REPORTS)}


def _one_line_naming_the_file(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert "gazetteer" in lines[0] and "places.yaml" in lines[0] and "lat" in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("args", [
    ["validate", "--data-dir", str(DATA)],
    ["ingest", str(REPO / "tests" / "fixtures" / "ingest" / "badia_ops_room.txt"), "--out", "{tmp}/c.json"],
    ["render", "--data-dir", str(DATA), "--out", "{tmp}/map.png"],
    ["export", "--data-dir", str(DATA), "--format", "geojson", "--out", "{tmp}/out"],
], ids=["validate", "ingest", "render", "export"])
def test_commands_say_one_line_and_exit_1(args, broken_env, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = subprocess.run([sys.executable, "-m", "geo", *argv], cwd=REPO, env=broken_env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    line = _one_line_naming_the_file(proc.stderr)
    assert line.startswith(f"python -m geo {argv[0]}: error: the gazetteer cannot be loaded: places.yaml")
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_dashboard_shows_the_problem_instead_of_crashing(broken_env, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from gazetteer import settings as gz_settings

    monkeypatch.setattr(gz_settings, "CURATED_DIR", Path(broken_env["DESERT_ATLAS_GAZETTEER"]))
    monkeypatch.setattr(gz_settings, "LOCAL_DIR", Path(broken_env["DESERT_ATLAS_HOME"]))
    monkeypatch.setattr(gz_settings, "CACHE_DIR", Path(broken_env["DESERT_ATLAS_HOME"]) / "cache")
    monkeypatch.setenv("DESERT_ATLAS_DATA", str(DATA))
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        shown = "\n".join(c.value for c in at.code)
        assert "the gazetteer cannot be loaded: places.yaml" in shown and "'lat'" in shown
        assert at.error and "cannot be shown" in at.error[0].value
    finally:
        st.cache_resource.clear()  # later tests load the real gazetteer again
        from geo.core.gazetteer_access import get_gazetteer
        monkeypatch.undo()
        get_gazetteer(reload=True)
