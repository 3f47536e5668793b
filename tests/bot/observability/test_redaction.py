"""Masking is stable: masking masked text changes nothing, and quotes are kept."""

from __future__ import annotations

import pytest

from bot.observability.redaction import MASK, redact_text, redact_value


@pytest.mark.parametrize(
    "text",
    [
        "SLACK_BOT_TOKEN=xoxb-1-2-abc",
        '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
        "Authorization: Bearer abc",
        "rediss://:pw@redis:6380",
        "xapp-1-A0-123 and AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_masking_twice_equals_masking_once(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once
    assert MASK in once


def test_quoted_values_stay_quoted() -> None:
    assert redact_text('{"password": "hunter 2", "user": "ops"}') == (
        '{"password": "[REDACTED]", "user": "ops"}'
    )


def test_values_under_secret_names_are_masked_whole_at_any_depth() -> None:
    data = {"config": {"external_id": "e-1", "api_key": 12345}, "items": [{"token": "t"}]}

    assert redact_value(data) == {
        "config": {"external_id": "e-1", "api_key": MASK},
        "items": [{"token": MASK}],
    }
