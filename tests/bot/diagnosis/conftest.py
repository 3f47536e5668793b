"""Fixtures for the diagnosis tests: the seed restore job and contexts for single rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.diagnosis.context import RuleContext
from bot.diagnosis.facts import build_denial
from bot.models import Job, ParsedInput, SentenceDenial
from tests.bot.diagnosis.messages import seed_restore_job


@pytest.fixture
def restore_job() -> Job:
    """The seed case's failed EC2 restore, run as the default Backup role (which has a path)."""
    return seed_restore_job()


RuleContextFactory = Callable[..., RuleContext]


@pytest.fixture
def make_ctx() -> RuleContextFactory:
    """Build the context one rule sees, from a decoded message, sentence, job and status text."""

    def make(
        decoded: dict[str, Any] | None = None,
        sentence: SentenceDenial | None = None,
        job: Job | None = None,
        status_text: str = "",
        parsed: ParsedInput | None = None,
    ) -> RuleContext:
        denial = build_denial(decoded, sentence, job)
        parsed = parsed or ParsedInput(kind="decoded_message", decoded=decoded)
        return RuleContext(parsed=parsed, denial=denial, job=job, status_text=status_text)

    return make
