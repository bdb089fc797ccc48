"""Plain helpers for the dashboard's tests: fixture data with a hostile record (the app runner is
:func:`dashboard.serve.streamlit_app`). Fixtures live in ``tests/browser/conftest.py``.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from dashboard.serve import CHROMIUM_ARGS, streamlit_app  # noqa: F401 - re-exported for the tests

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

#: A record whose text tries to run script wherever it meets HTML.
XSS_RECORD: dict[str, Any] = {
    "id": "fx-xss-summary",
    "kind": "strike",
    "subtype": "airstrike",
    "title": "<script>window.__xss_title = 1</script>Strike with a hostile summary",
    "summary": "<img src=x onerror=alert(1)>",
    "actors": ["russia"],
    "place_text": "<b onmouseover=alert(2)>Palmyra</b>",
    "place": "palmyra",
    "date_start": "2021-08-15",
    "sources": [{"report": "fx003"}],
    "confidence": 0.55,
}


def write_dashboard_data(target: Path) -> Path:
    """The shared geo fixture data (``tests/fixtures/geo_data``) plus :data:`XSS_RECORD`, at ``target``."""
    shutil.copytree(FIXTURES / "geo_data", target)
    extra = target / "events" / "zz-dashboard.yaml"
    extra.write_text(yaml.safe_dump([XSS_RECORD], sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target
