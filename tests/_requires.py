"""What some tests need from outside the repository, and the one rule for when it is missing:
skip only where it is absent and ``CI`` is unset; under CI a missing file fails the run.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SHARED_SEEDS = SHARED / "seeds"
OCHA_BOUNDARIES = SHARED / "boundaries" / "syr_admin1_ocha_codab_v02.geojson"
CHROMIUM = Path("/usr/bin/chromium")


def require(path: Path, what: str) -> Path:
    """``path`` when it exists (a folder must not be empty), else skip outside CI / fail under CI."""
    if path.is_file() or (path.is_dir() and any(path.iterdir())):
        return path
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {what} is missing: {path}")
    pytest.skip(f"{what} not available at {path}")


def require_seeds() -> Path:
    """The five seed reports in ``../shared/seeds``."""
    return require(SHARED_SEEDS, "the seed reports")
