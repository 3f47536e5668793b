"""Rule: an abridged decoded message is said to be incomplete."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import input_incomplete
from bot.models import ParsedInput
from tests.bot.diagnosis.conftest import RuleContextFactory


@pytest.mark.parametrize(
    ("parsed", "fires"),
    [
        (ParsedInput(kind="encoded_message", encoded_message="abc", truncated=True), False),
        (ParsedInput(kind="decoded_message", decoded={}, decoded_partial=True), True),
        (ParsedInput(kind="decoded_message", decoded={}), False),
    ],
)
def test_when_it_fires(make_ctx: RuleContextFactory, parsed: ParsedInput, fires: bool) -> None:
    hits = input_incomplete.check(make_ctx(parsed=parsed))
    assert [h.code for h in hits] == (["INPUT_INCOMPLETE"] if fires else [])
