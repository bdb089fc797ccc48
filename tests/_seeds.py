"""Where the seed reports are, and the rule for tests that need them: skip only where the folder
is absent and ``CI`` is unset; under CI a missing folder fails the run.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def require_seeds() -> Path:
    """The seeds folder, or skip (outside CI) / fail (under CI) when it is missing."""
    if SHARED_SEEDS.is_dir() and any(SHARED_SEEDS.iterdir()):
        return SHARED_SEEDS
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the seed reports are missing: {SHARED_SEEDS}")
    pytest.skip(f"seed reports not available at {SHARED_SEEDS}")
