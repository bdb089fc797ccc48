"""``python -m geo``: subcommand discovery, exports, one-line errors and exit codes."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from _geo_helpers import DATA, REPORTS, copy_data, edit_record
from geo import cli
from geo.store import loading as loading_mod
from geo import settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fixture_environment(monkeypatch, fake_gazetteer):
    """In-process runs use the fake gazetteer and the fixture report texts."""
    monkeypatch.setattr(loading_mod, "get_gazetteer", lambda **_: fake_gazetteer)
    monkeypatch.setenv(settings.REPORTS_ENV, str(REPORTS))


def run_module(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_subcommands_are_discovered():
    names = [m.__name__.rsplit(".", 1)[1] for m in cli.command_modules()]
    assert {"export", "validate", "evidence"} <= set(names)
    help_text = cli.build_parser().format_help()
    assert "export" in help_text and "validate" in help_text


def test_export_all_formats(tmp_path, capsys):
    out = tmp_path / "exports"
    status = cli.main(["export", "--data-dir", str(DATA), "--format", "all", "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out.split()
    assert {Path(p).name for p in printed} == {
        "zones.geojson", "facilities.geojson", "deployments.geojson", "movements.geojson", "strikes.geojson",
        "operations.geojson", "statements.geojson", "places.geojson", "desert-atlas.gpkg", "desert-atlas.kml",
        "desert-atlas.csv", "links.csv"}  # links.csv: corroboration links, with the CSV
    assert all(Path(p).is_file() for p in printed)


def test_export_filters(tmp_path):
    status = cli.main(["export", "--data-dir", str(DATA), "--out", str(tmp_path), "--format", "geojson,csv",
                       "--kind", "strike", "--actor", "saa", "--start", "2021-07", "--end", "2021-07"])
    assert status == 0
    strikes = json.loads((tmp_path / "strikes.geojson").read_text())["features"]
    assert [f["id"] for f in strikes] == ["fx-override-point"]
    assert json.loads((tmp_path / "facilities.geojson").read_text())["features"] == []
    assert (tmp_path / "desert-atlas.csv").read_text().count("\n") == 2  # header + one record


def test_unknown_actor_is_one_line(tmp_path, capsys):
    assert cli.main(["export", "--data-dir", str(DATA), "--out", str(tmp_path), "--actor", "wagner"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown actor 'wagner'" in err and "irgc" in err
    assert list(tmp_path.iterdir()) == []


def test_end_before_start(tmp_path, capsys):
    status = cli.main(["export", "--data-dir", str(DATA), "--out", str(tmp_path),
                       "--start", "2021-05-01", "--end", "2021-04-01"])
    assert status == 1
    assert "is before --start" in capsys.readouterr().err


def test_bad_data_lists_problems_and_fails(tmp_path, capsys):
    data = copy_data(tmp_path)
    edit_record(data, "fx-depot-bukamal", confidence=7)
    assert cli.main(["validate", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "1 problem in the dataset:"
    assert err[1].startswith("data/events/fixture.yaml: fx-depot-bukamal: confidence: ")


def test_validate_ok(capsys):
    assert cli.main(["validate", "--data-dir", str(DATA)]) == 0
    assert capsys.readouterr().out.startswith("OK: 11 records")


def test_evidence_helper_prints_a_span(capsys):
    status = cli.main(["evidence", "--data-dir", str(DATA), "--report", "fx003", "--find", "A drone attack"])
    assert status == 0
    span = yaml.safe_load(capsys.readouterr().out)
    text = (REPORTS / "fx003.txt").read_bytes().decode("utf-8")
    assert (span["report"], span["start"], span["end"]) == ("fx003", 38, 52)
    assert text[38:52] == "A drone attack"
    assert span["sha256"] == hashlib.sha256(b"A drone attack").hexdigest()


def test_evidence_helper_unknown_phrase(capsys):
    assert cli.main(["evidence", "--data-dir", str(DATA), "--report", "fx003", "--find", "no such words"]) == 1
    assert "phrase not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["export", "--out", "x", "--format", "shp"], "argument --format: unknown format 'shp'"),
        (["export", "--out", "x", "--start", "2015-02-30"], "impossible date '2015-02-30'"),
        (["export", "--out", "x", "--kind", "bases"], "unknown kind 'bases'"),
        (["export", "--out", "x", "--min-confidence", "2"], "must be within 0..1"),
        (["export", "--format", "csv"], "the following arguments are required: --out"),
        (["export", "--out", "x", "--data-dir", "/no/such/dir"], "not a folder: /no/such/dir"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["export", "--out", "", "--format", "csv"], "an empty path"),  # would write into the current folder
        (["ingest", "x.txt", "--published", "0001-01-01"], "not a plausible publication day"),
        (["ingest", "x.txt", "--published", "2999-01-01"], "not a plausible publication day"),
        (["ingest", "x.txt", "--url", "javascript:alert(1)"], "not an http(s) URL"),
    ],
)
def test_bad_arguments_one_line_exit_2(args, needle):
    result = run_module(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr
    assert result.stdout == ""


def test_module_exports_the_real_seed_data(tmp_path):
    result = run_module("export", "--format", "geojson", "--out", str(tmp_path), env={settings.REPORTS_ENV: ""})
    assert result.returncode == 0, result.stderr
    features = sum(len(json.loads(p.read_text())["features"]) for p in tmp_path.glob("*.geojson"))
    assert features > 20


def test_a_record_source_url_must_be_http(tmp_path, fake_gazetteer):
    """A javascript:/data: link on a record would run on a click in a popup or an exported file."""
    from geo.errors import DatasetError
    from geo.store import load_dataset

    data = copy_data(tmp_path)
    edit_record(data, "fx-strike-tanf", sources=[{"report": "fx003", "url": "javascript:alert(1)"}])
    with pytest.raises(DatasetError, match=r"fx-strike-tanf: sources\[\d\]: not an http\(s\) URL"):
        load_dataset(data, gazetteer=fake_gazetteer, reports_dirs=[REPORTS])


def test_a_report_file_name_never_reaches_outside_the_reports_folders(tmp_path):
    """A queue or registry entry naming /etc/passwd or ../x is not read as a report text."""
    from geo.core.evidence import find_report_file
    from geo.core.model import Report

    (tmp_path / "reports").mkdir()
    (tmp_path / "secret.txt").write_text("not a report")
    (tmp_path / "reports" / "ok.txt").write_text("a report")
    dirs = [tmp_path / "reports"]
    assert find_report_file(Report(id="r", file="ok.txt"), dirs) == tmp_path / "reports" / "ok.txt"
    for name in ("/etc/passwd", "../secret.txt", "..", "sub/ok.txt"):
        assert find_report_file(Report(id="r", file=name), dirs) is None
