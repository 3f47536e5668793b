"""The ``account=`` and ``region=`` words: taken out of the text before anything else is read."""

from __future__ import annotations

import pytest

from bot.inputs import parse_input
from bot.inputs.hints import Hints, extract_hints
from bot.models import ParsedInput

UUID = "d48d8a7b-4a3f-4b9d-9d2c-0b1a2c3d4e5f"


@pytest.mark.parametrize(
    ("text", "account", "region"),
    [
        ("account=123456789012", "123456789012", None),
        ("region=eu-west-1", None, "eu-west-1"),
        ("ACCOUNT = 123456789012 Region=US-GOV-WEST-1", "123456789012", "us-gov-west-1"),
        ('account="123456789012"', "123456789012", None),
        ("account=12345678901", None, None),
        ("region=moon-base", None, None),
        ("myaccount=123456789012", None, None),
    ],
)
def test_hint_values(text: str, account: str | None, region: str | None) -> None:
    hints = extract_hints(text)
    assert (hints.account_id, hints.region) == (account, region)


def test_valid_hints_leave_the_text() -> None:
    assert extract_hints(f"{UUID} account=123456789012 region=eu-west-1") == Hints(
        f"{UUID}    ", "123456789012", "eu-west-1"
    )


def test_hints_win_over_arns_and_are_flagged() -> None:
    arn = f"arn:aws:backup:us-east-1:111122223333:restore-job:{UUID}"
    result = parse_input(f"{arn} account=123456789012 region=eu-west-1")
    assert isinstance(result, ParsedInput)
    assert (result.account_id, result.region) == ("123456789012", "eu-west-1")
    assert (result.account_hint, result.region_hint) == (True, True)
    assert result.job is not None
    assert result.job.account_id == "111122223333"


def test_hints_alone_are_empty() -> None:
    result = parse_input("account=123456789012 region=eu-west-1")
    assert not isinstance(result, ParsedInput)
    assert result.reason == "empty"
