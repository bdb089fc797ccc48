"""Shared test fixtures.

``seeds_dir``: the five seed reports in ``../shared/seeds``.  Tests using it are skipped only
where that folder is absent *and* the ``CI`` environment variable is unset; under CI a missing
folder is a failure, never a silent skip.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from _requires import require_seeds

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seeds_dir() -> Path:
    """``../shared/seeds`` (see module docstring for the skip rule)."""
    return require_seeds()


@pytest.fixture
def fake_gazetteer():
    """The small stand-in gazetteer of ``tests/_geo_fakes.py`` (exact, known coordinates)."""
    from _geo_fakes import FakeGazetteer

    return FakeGazetteer()


@pytest.fixture(scope="session")
def real_gazetteer():
    """The project's gazetteer (cached by ``load_gazetteer``)."""
    from gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture
def local_home(tmp_path, monkeypatch) -> Path:
    """An empty local folder for the gazetteer: imports and caches go here, never into the repository
    (read through ``gazetteer.settings.local_dir()``, as the commands read it)."""
    home = tmp_path / "home"
    monkeypatch.setenv("DESERT_ATLAS_HOME", str(home))
    monkeypatch.delenv("DESERT_ATLAS_CACHE", raising=False)
    return home
