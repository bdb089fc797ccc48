"""The review page as an analyst uses it: accept a proposed candidate, find it on the map, reject another.

Real Chromium against ``streamlit run app.py`` with no network.  The app serves a private copy
of the shared fixture data (``$DESERT_ATLAS_DATA``) into which one of our fixture reports was
ingested, so the repository's ``data/`` is never touched.
"""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from geo.store import load_dataset
from geo.core.filtering import filter_records
from geo.outputs.symbology import mapped_mask
from geo.review import load_queue
from geo.core.timeline import dataset_span


from _dashboard import FIXTURES, REPO_ROOT, streamlit_app

pytestmark = pytest.mark.browser
REPORT = FIXTURES / "ingest" / "golan_front_statement.txt"


def _on_map(data: Path, reports: list[Path]) -> int:
    ds = load_dataset(data, reports_dirs=reports)
    span = dataset_span(ds.frame)
    return int(mapped_mask(filter_records(ds.frame, start=span[0], end=span[1])).sum())


@pytest.fixture(scope="module")
def review_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A running app whose data folder has one ingested report waiting for review."""
    root = tmp_path_factory.mktemp("review-app")
    data = root / "data"
    shutil.copytree(FIXTURES / "geo_data", data)
    shutil.copy(REPO_ROOT / "data" / "actors.yaml", data / "actors.yaml")  # the real registry: Israel etc.
    reports = [root / "reports", FIXTURES / "geo_reports"]
    env = {"DESERT_ATLAS_DATA": str(data), "DESERT_ATLAS_REPORTS": os.pathsep.join(map(str, reports)),
           "DESERT_ATLAS_HOME": str(root / "home"),
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update({k: env[k] for k in ("DESERT_ATLAS_DATA", "DESERT_ATLAS_REPORTS")})
    try:
        from geo.ingest.ingester import Ingester, Source
        from geo.review import add_results

        result = Ingester(data_dir=data).ingest_file(REPORT, Source(outlet="Fixture Wire", published=date(2019, 3, 14)))
        assert add_results([result], data_dir=data).added >= 3
        before = _on_map(data, reports)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with streamlit_app(env=env) as url:
        yield {"url": url, "data": data, "reports": reports, "before": before}


def test_accepting_a_candidate_puts_it_on_the_map(review_app, browser_page, page_log, leaflet):
    page, url, data = browser_page, review_app["url"], review_app["data"]
    first = load_queue(data).pending()[0]  # the candidate the page selects first
    page.goto(url)
    assert leaflet.wait_count(page, lambda n: n == review_app["before"]) == review_app["before"]

    page.goto(f"{url}/review")
    page.get_by_text("Review candidates").first.wait_for(timeout=60_000)
    leaflet.wait_count(page, lambda n: n >= 3)  # the waiting candidates, drawn as on the main map
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    page.get_by_text("Accepted as", exact=False).wait_for(timeout=60_000)

    accepted = yaml.safe_load((data / "events" / "accepted.yaml").read_text(encoding="utf-8"))
    assert len(accepted) == 1
    assert _on_map(data, review_app["reports"]) == review_app["before"] + 1
    # The untouched form changed nothing: the record is the candidate as proposed (subtype included).
    entry = load_queue(data).get(first["id"])
    assert entry["status"] == "accepted" and entry["review"]["edited"] == []
    assert (accepted[0]["kind"], accepted[0].get("subtype"), accepted[0]["title"]) == \
        (first["kind"], first.get("subtype"), first["title"])

    second = load_queue(data).pending()[0]  # now selected
    page.get_by_role("tab", name="Reject").click()
    page.get_by_role("button", name="Reject", exact=True).click()
    page.get_by_text(f"Rejected {second['id']}", exact=False).wait_for(timeout=60_000)
    assert load_queue(data).get(second["id"])["status"] == "rejected"

    page.goto(url)
    assert leaflet.wait_count(page, lambda n: n == review_app["before"] + 1) == review_app["before"] + 1
    assert page_log.blocked == [], f"requests left localhost: {page_log.blocked[:5]}"
    assert page_log.page_errors == []
