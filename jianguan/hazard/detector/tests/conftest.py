"""Paths shared by the detector tests: the labelled photos live outside the repository."""

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "ppe"


@pytest.fixture
def ppe() -> Path:
    if not (DATA / "images").is_dir():
        pytest.skip(f"the labelled photos are not at {DATA} (../shared/data/ppe)")
    return DATA
