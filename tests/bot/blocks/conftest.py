"""Fixtures for the Block Kit builder tests."""

from __future__ import annotations

import pytest

from bot.models import Diagnosis, FixPlan
from tests.bot.blocks.samples import make_diagnosis, make_plan


@pytest.fixture
def diagnosis() -> Diagnosis:
    """The realistic case most tests render."""
    return make_diagnosis()


@pytest.fixture
def plan() -> FixPlan:
    """A fix plan waiting for approval."""
    return make_plan()
