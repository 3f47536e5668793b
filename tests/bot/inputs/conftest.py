"""Fixtures for input recognition tests: the public sample cases and a generated blob."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bot.inputs.producers import make_blob

PUBLIC_CASES_PATH = Path(__file__).parents[2] / "data" / "public-cases.json"


def load_public_cases() -> list[dict[str, Any]]:
    """The verbatim public texts (copied from shared/samples/public-cases.json)."""
    cases: list[dict[str, Any]] = json.loads(PUBLIC_CASES_PATH.read_text(encoding="utf-8"))
    return cases


@pytest.fixture
def blob() -> str:
    """A realistic, complete 600-character blob."""
    return make_blob(seed=7)
