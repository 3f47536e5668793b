"""The repo's copy of the public samples stays identical to the team's shared file."""

from __future__ import annotations

from pathlib import Path

import pytest

COPY = Path(__file__).parent / "data" / "public-cases.json"
SHARED = Path(__file__).parents[1].parent / "shared" / "samples" / "public-cases.json"


def test_the_copy_matches_the_shared_samples() -> None:
    if not SHARED.exists():
        pytest.skip("no ../shared next to this checkout")
    assert COPY.read_bytes() == SHARED.read_bytes(), "refresh tests/data/public-cases.json"
