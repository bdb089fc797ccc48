"""The dashboard as a user sees it: real Chromium, ``streamlit run app.py``, no network.

Few tests on purpose (each loads the page in a browser on a shared 2-core machine).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from geo.core.filtering import filter_records
from geo.outputs.symbology import mapped_mask
from geo.core.timeline import dataset_span

pytestmark = pytest.mark.browser

SLIDER_END = 'input[aria-label="Time window — end"]'
SLIDER_START = 'input[aria-label="Time window — start"]'


def _expected_on_map(dataset: Any, start: str, end: str) -> int:
    """Mapped records meeting the window: what the page must draw (one path per such record)."""
    return int(mapped_mask(filter_records(dataset.frame, start=start, end=end)).sum())


def _distinct_colours(path: Path) -> tuple[int, float]:
    """(distinct RGB colours, share of pixels that are not near-white) of a screenshot."""
    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    distinct = len(np.unique(pixels, axis=0))
    inked = float((pixels.min(axis=1) < 235).mean())
    return distinct, inked


def test_map_draws_offline_with_records_background_and_legend(app_url, browser_page, page_log, leaflet,
                                                              dashboard_dataset, tmp_path):
    page = browser_page
    page.goto(app_url)
    span = dataset_span(dashboard_dataset.frame)
    expected = _expected_on_map(dashboard_dataset, str(span[0]), str(span[1]))
    assert expected >= 10
    assert leaflet.wait_count(page, lambda n: n == expected) == expected

    frame = leaflet.frame(page)
    # Leaflet really ran in the iframe, from the local package (not a CDN copy).
    import xstatic.pkg.leaflet as xleaflet

    assert frame.evaluate("() => typeof L === 'object' && L.version") == xleaflet.VERSION
    # The vector background: Syria's border/land and labelled towns, from local data.
    assert frame.locator("path.da-context").count() >= 2
    assert frame.locator("path.da-land").count() >= 2
    labels = frame.locator(".da-label").all_inner_texts()
    assert "Damascus" in labels and "Palmyra" in labels
    assert "Legend" in frame.locator(".da-legend").inner_text()
    # Web tiles are offered but off: no tile images at all.
    assert frame.locator("img.leaflet-tile").count() == 0

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    distinct, inked = _distinct_colours(shot)
    map_shot = tmp_path / "map.png"
    page.locator(leaflet.IFRAME).screenshot(path=str(map_shot))
    map_distinct, map_inked = _distinct_colours(map_shot)
    assert distinct > 200 and inked > 0.05, (distinct, inked)
    assert map_distinct > 100 and map_inked > 0.3, (map_distinct, map_inked)

    assert page_log.requests, "the route handler saw no request at all"
    assert page_log.blocked == [], f"requests left localhost: {page_log.blocked[:5]}"
    assert page_log.page_errors == []


def test_moving_the_time_slider_redraws_the_records_in_the_window(app_url, browser_page, page_log, leaflet,
                                                                  dashboard_dataset):
    page = browser_page
    page.goto(app_url)
    span = dataset_span(dashboard_dataset.frame)
    before = leaflet.wait_count(page, lambda n: n == _expected_on_map(dashboard_dataset, str(span[0]), str(span[1])))

    end = page.locator(SLIDER_END)
    end.focus()
    for _ in range(4):  # a user paging the end of the window back by keyboard
        page.keyboard.press("PageDown")
    page.keyboard.press("Tab")
    page.wait_for_function(f"() => document.querySelector('{SLIDER_END}').getAttribute('aria-valuetext')"
                           f" !== '{span[1]}'")
    start_text = page.locator(SLIDER_START).get_attribute("aria-valuetext")
    end_text = end.get_attribute("aria-valuetext")
    assert start_text == str(span[0]) and end_text < str(span[1])

    expected = _expected_on_map(dashboard_dataset, start_text, end_text)
    assert expected < before, "the test window must exclude some records"
    assert leaflet.wait_count(page, lambda n: n == expected) == expected
    caption = page.get_by_text("records in view from").first.inner_text()
    assert f"from {start_text} to {end_text}" in caption
    assert page_log.blocked == []


def test_hostile_record_text_is_shown_literally_and_runs_nothing(app_url, browser_page, page_log, leaflet,
                                                                 xss_record):
    page = browser_page
    page.goto(app_url)
    leaflet.wait_count(page, lambda n: n > 0)
    frame = leaflet.frame(page)
    # Find the hostile record's drawn shape and click it like a user.
    tagged = frame.evaluate("""() => {
        let hit = 0;
        window.map.eachLayer(l => {
            const popup = l.getPopup && l.getPopup();
            if (popup && l._path && String(popup.getContent()).includes('onerror')) {
                l._path.setAttribute('data-test', 'hostile'); hit += 1;
            }
        });
        return hit;
    }""")
    assert tagged == 1
    # A real mouse click at the shape's centre.  Chromium scrolls a pressed iframe fully into
    # view first, so bring the whole map into view before measuring where to click.
    page.locator(leaflet.IFRAME).evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box = frame.locator('[data-test="hostile"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    content = frame.locator(".leaflet-popup-content")
    content.wait_for(timeout=10_000)
    text = content.inner_text()
    assert xss_record["summary"] in text
    assert "<script>window.__xss_title = 1</script>" in text
    assert "<b onmouseover=alert(2)>Palmyra</b>" in text
    assert content.locator("img, script, b").count() == 0
    content.hover()
    page.wait_for_timeout(500)
    assert frame.evaluate("() => window.__xss_title") is None
    assert page_log.dialogs == []
    assert page_log.page_errors == []
    assert page_log.blocked == []


def test_place_search_zooms_the_map_to_the_answer(app_url, browser_page, page_log, leaflet):
    page = browser_page
    page.goto(app_url)
    leaflet.wait_count(page, lambda n: n > 0)
    zoom_before = leaflet.frame(page).evaluate("() => window.map.getZoom()")
    box = page.get_by_label("Place name")
    box.fill("Deri Ezzor")
    box.press("Enter")
    page.get_by_text("Deir ez-Zor").first.wait_for(timeout=30_000)
    leaflet.wait_count(page, lambda n: n == 1, selector="path.da-search")
    frame = leaflet.frame(page)
    frame.wait_for_function(f"() => window.map.getZoom() > {zoom_before}", timeout=15_000)
    lat, lng = frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 35.34) < 0.2 and abs(lng - 40.14) < 0.2
    assert page_log.blocked == []
