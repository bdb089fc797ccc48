"""Static report maps (``geo.outputs.static.render`` and ``python -m geo render``): what a reader of the image sees.

Images are read back from their bytes (PIL) and checked for size and colours; label placement
is checked on the drawn text extents; the command line runs in a subprocess for its errors.
Renders use small widths to keep the suite quick.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from _requires import CHROMIUM, OCHA_BOUNDARIES, require

from geo.outputs.static.render import RenderError, parse_bbox, render_dataset, render_figure, render_file, render_png

REPO = Path(__file__).resolve().parent.parent
RUSSIA = (0xD5, 0x5E, 0x00)  # data/actors.yaml colour of "russia"
US_COALITION = (0x00, 0x72, 0xB2)
SMALL = {"width": 900, "dpi": 100}


@pytest.fixture(scope="module")
def dataset():
    from geo.store import load_dataset

    return load_dataset()


def _image(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _near(pixels: np.ndarray, rgb: tuple[int, int, int], tol: float = 40.0) -> int:
    return int((np.linalg.norm(pixels - np.array(rgb), axis=-1) < tol).sum())


def _texts(fig, gid_prefix: str):
    texts = [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]
    return [t for t in texts if (t.get_gid() or "").startswith(gid_prefix)]


def _caption(fig) -> str:
    return " ".join(t.get_text() for t in _texts(fig, "caption"))


def _run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "geo", "render", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


# --- the seed dataset ------------------------------------------------------------------------------
def test_cli_renders_the_seed_dataset(tmp_path):
    out = tmp_path / "map.png"
    done = _run_cli("--out", str(out), "--width", "1200", "--dpi", "150")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.size[0] == 1200
        assert 700 < im.size[1] < 1800  # a page-like figure, not a strip
        assert im.info["dpi"] == pytest.approx((150, 150), abs=0.1)  # PNG stores pixels per metre


@pytest.mark.parametrize("width,dpi", [(1234, 150), (2400, 300)])
def test_image_width_and_resolution_are_as_asked(dataset, width, dpi):
    data = render_png(dataset.frame, zones=dataset.zones, actors=dataset.actors, width=width, dpi=dpi)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as im:
        assert im.size[0] == width
        assert im.info["dpi"] == pytest.approx((dpi, dpi), abs=0.1)


def test_actor_colour_is_in_the_map_and_the_legend_and_absent_colours_are_not(dataset, tmp_path):
    from geo.core.filtering import filter_records

    out = render_dataset(tmp_path / "russia.png", dataset, start="2015-09-01", end="2015-10-31", actors=["russia"],
                         **SMALL)
    pixels = _image(out.read_bytes())
    # The same drawing as a figure, to know where the map ends and the legend begins.
    frame = filter_records(dataset.frame, actors=["russia"])
    fig = render_figure(frame, start="2015-09-01", end="2015-10-31", zones=dataset.zones, actors=dataset.actors,
                        total=len(dataset.frame), filters_caption="actor Russia (Russian armed forces)", **SMALL)
    assert int(fig.bbox.height) == pixels.shape[0]
    box = fig.axes[0].get_window_extent()
    height = pixels.shape[0]
    map_px = pixels[int(height - box.y1):int(height - box.y0), int(box.x0):int(box.x1)]
    legend_px = pixels[:, int(box.x1) + 5:]
    assert _near(map_px, RUSSIA) > 150  # the strikes' outlines and the Damascus pin
    assert _near(legend_px, RUSSIA) > 100  # the swatch
    assert _near(pixels, US_COALITION, tol=25) == 0  # no US-led coalition record in this view


def test_legend_lists_only_what_is_drawn_with_counts(dataset):
    fig = render_figure(dataset.frame, zones=dataset.zones, actors=dataset.actors, start="2015-09-30",
                        end="2015-09-30", **SMALL)
    legend = {t.get_gid(): t.get_text() for t in _texts(fig, "legend-")}
    assert legend["legend-kind-strike"] == "Strikes"
    assert legend["legend-kind-facility"] == "Facilities"  # an active facility stays on the map
    assert "legend-kind-deployment" not in legend  # no deployment meets this one-day window
    assert legend["legend-actor-russia"] == "Russia (Russian armed forces)"


def test_records_not_drawn_are_reported_in_the_caption(dataset):
    fig = render_figure(dataset.frame, zones=dataset.zones, actors=dataset.actors, total=len(dataset.frame), **SMALL)
    caption = _caption(fig)
    assert "located only to a whole country" in caption
    assert "outside the map frame" in caption and "Baghdad" in caption
    for outlet in {o for v in dataset.frame["source_outlet"].dropna() for o in v.split("; ")}:
        assert outlet in caption
    assert "GeoNames" in caption and "CC BY" in caption


def test_wider_bbox_brings_outside_records_in(dataset):
    fig = render_figure(dataset.frame, zones=dataset.zones, actors=dataset.actors, bbox="35,29,46,38", **SMALL)
    assert "Baghdad" not in _caption(fig)


# --- reproducibility and formats ------------------------------------------------------------------------
@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_two_runs_give_identical_files(dataset, tmp_path, suffix, magic):
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    opts = {"start": "2015-01-01", "end": "2018-12-31", **SMALL}
    render_dataset(a, dataset, **opts)
    render_dataset(b, dataset, **opts)
    assert a.read_bytes()[:len(magic)] == magic
    assert a.read_bytes() == b.read_bytes()


def test_png_button_and_file_share_one_drawing(dataset, tmp_path):
    opts = {"zones": dataset.zones, "actors": dataset.actors, "start": "2016-12-01", "end": "2016-12-31",
            "filters_caption": "actor Iran", **SMALL}
    frame = dataset.frame[dataset.frame["actors_str"].str.contains("iran")]
    path = render_file(tmp_path / "view.png", frame, **opts)
    assert path.read_bytes() == render_png(frame, **opts)


def test_data_strings_are_drawn_literally(dataset):
    frame = dataset.frame.copy()
    frame.loc[frame["id"] == "r002-russian-strike-lataminah", "place_query"] = r"$\notacommand{$ & <b>"
    fig = render_figure(frame, title=r"Cost $\frac$ <script>", actors=dataset.actors, start="2015-09-30",
                        end="2015-09-30", **SMALL)
    png = io.BytesIO()
    fig.savefig(png, format="png")  # mathtext would fail on these strings
    assert _texts(fig, "title")[0].get_text() == r"Cost $\frac$ <script>"


# --- empty windows and bad arguments ---------------------------------------------------------------------
def test_empty_window_gives_a_clear_image(dataset, tmp_path):
    out = tmp_path / "empty.png"
    done = _run_cli("--out", str(out), "--start", "1990", "--end", "1991", "--width", "900", "--dpi", "100")
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size[0] == 900
    fig = render_figure(dataset.frame, start="1990-01-01", end="1991-12-31", actors=dataset.actors, **SMALL)
    assert [t.get_text() for t in _texts(fig, "empty-message")] == ["No records in this window"]


@pytest.mark.parametrize("args,expect", [
    (["--start", "2016-01-01", "--end", "2015-12-31"], "before"),
    (["--actor", "nobody"], "unknown actor 'nobody'"),
    (["--kind", "parade"], "unknown kind 'parade'"),
    (["--bbox", "40,30,35,35"], "bbox"),
    (["--width", "12"], "--width"),
])
def test_bad_arguments_fail_with_one_line(tmp_path, args, expect):
    out = tmp_path / "x.png"
    done = _run_cli("--out", str(out), *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], done.stderr
    assert not out.exists()


@pytest.mark.parametrize("target", ["missing-folder/x.png", "file.txt/x.png", "map.gif"])
def test_unwritable_or_unknown_output_fails_with_one_line(tmp_path, target):
    (tmp_path / "file.txt").write_text("not a folder")
    done = _run_cli("--out", str(tmp_path / target))
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "--out" in done.stderr
    assert not (tmp_path / target).exists()


def test_api_rejects_bad_options(dataset):
    with pytest.raises(RenderError, match="before"):
        render_png(dataset.frame, start="2016-02-01", end="2016-01-01")
    with pytest.raises(RenderError, match="width"):
        render_png(dataset.frame, width=50)
    with pytest.raises(RenderError):
        parse_bbox("10,20,30")
    assert parse_bbox("35.5,32,42.5,37.5") == (35.5, 32.0, 42.5, 37.5)


# --- labels, scale bar --------------------------------------------------------------------------------
def _label_extents(fig):
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label")]
    return texts, [t.get_window_extent(renderer) for t in texts]


@pytest.mark.parametrize("source", ["seed", "crowded"])
def test_labels_never_overlap_and_crowds_get_fewer_labels(dataset, source):
    if source == "seed":
        frame, actors = dataset.frame, dataset.actors
    else:
        from geo.synthetic import synthetic_frame

        frame, actors = synthetic_frame(600, seed=11), None
    fig = render_figure(frame, zones=dataset.zones, actors=actors, **SMALL)
    fig.canvas.draw()
    texts, boxes = _label_extents(fig)
    assert len(texts) >= 8
    for (ta, a), (tb, b) in itertools.combinations(zip(texts, boxes), 2):
        assert not a.overlaps(b), f"{ta.get_text()!r} overlaps {tb.get_text()!r}"
    map_box = fig.axes[0].get_window_extent()
    assert all(map_box.x0 <= b.x0 and b.x1 <= map_box.x1 and map_box.y0 <= b.y0 and b.y1 <= map_box.y1
               for b in boxes)
    towns = sum(len(c.get_offsets()) for c in fig.axes[0].collections if c.get_gid() == "towns")
    town_labels = sum(1 for t in texts if t.get_gid() == "label-town")
    if source == "crowded":
        assert town_labels < towns  # crowded towns lose their labels rather than pile up


def test_scale_bar_is_in_true_kilometres(dataset):
    from pyproj import Geod

    from geo.outputs.static.projection import projection_for
    from geo.outputs.static.render import DEFAULT_BBOX

    fig = render_figure(dataset.frame, actors=dataset.actors, **SMALL)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "scalebar"]
    x0 = min(p.get_x() for p in bars)
    x1 = max(p.get_x() + p.get_width() for p in bars)
    y = bars[0].get_y()
    label = next(t.get_text() for t in ax.texts if t.get_gid() == "scalebar-label" and t.get_text().endswith("km"))
    km = float(re.match(r"([\d.]+) km", label).group(1))
    lon, lat = projection_for(DEFAULT_BBOX).inverse([x0, x1], [y, y])
    _, _, metres = Geod(ellps="WGS84").inv(lon[0], lat[0], lon[1], lat[1])
    assert metres / 1000 == pytest.approx(km, rel=0.005)


# --- imported governorate boundaries ---------------------------------------------------------------------
def test_imported_governorates_are_drawn_and_credited(dataset, tmp_path, monkeypatch):
    require(OCHA_BOUNDARIES, "OCHA's boundaries file")
    from gazetteer import settings as gz_settings
    from gazetteer import build
    from gazetteer.importers import import_boundaries

    monkeypatch.setattr(gz_settings, "LOCAL_DIR", tmp_path)
    import_boundaries(OCHA_BOUNDARIES, source="OCHA COD-AB v02, CC BY 3.0 IGO")
    gz = build()
    fig = render_figure(dataset.frame, zones=dataset.zones, actors=dataset.actors, gazetteer=gz, **SMALL)
    assert any(c.get_gid() == "governorates" and len(c.get_paths()) == 14 for c in fig.axes[0].collections)
    assert "Governorate boundaries: OCHA COD-AB v02, CC BY 3.0 IGO" in _caption(fig)
    plain = render_figure(dataset.frame, zones=dataset.zones, actors=dataset.actors, **SMALL)
    assert not any(c.get_gid() == "governorates" for c in plain.axes[0].collections)


# --- --browser -------------------------------------------------------------------------------------------
@pytest.mark.browser
def test_browser_screenshot_of_the_dashboard_map(tmp_path):
    require(CHROMIUM, "Debian's chromium")
    out = tmp_path / "web.png"
    done = _run_cli("--browser", "--out", str(out), "--width", "900", "--start", "2015-09", "--end", "2015-10")
    assert done.returncode == 0, done.stderr
    pixels = _image(out.read_bytes())
    assert pixels.shape[1] == 900
    assert _near(pixels, (0x44, 0x44, 0x44), tol=20) > 200  # the dashboard's Syria border was drawn


def test_browser_without_chromium_fails_with_one_line(tmp_path):
    env_path = tmp_path / "no-chromium"
    out = tmp_path / "web.png"
    done = subprocess.run([sys.executable, "-m", "geo", "render", "--browser", "--out", str(out)], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), "DESERT_ATLAS_CHROMIUM": str(env_path)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Chromium" in lines[0] and str(env_path) in lines[0]
    assert not out.exists()
