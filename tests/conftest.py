"""Shared test fixtures.

``seeds_dir``: the five seed reports in ``../shared/seeds``.  Tests using it are skipped only
where that folder is absent *and* the ``CI`` environment variable is unset; under CI a missing
folder is a failure, never a silent skip.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def require_seeds() -> Path:
    """The seeds folder, or skip (outside CI) / fail (under CI) when it is missing."""
    if SHARED_SEEDS.is_dir() and any(SHARED_SEEDS.iterdir()):
        return SHARED_SEEDS
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the seed reports are missing: {SHARED_SEEDS}")
    pytest.skip(f"seed reports not available at {SHARED_SEEDS}")


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
