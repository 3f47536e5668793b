"""A blob is extracted exactly from every producer's error, whatever Slack or a terminal did."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.inputs import parse_input
from bot.models import ParsedInput
from tests.bot.inputs.producers import PRODUCERS, TRANSFORMS, make_blob

# Terraform already wraps its diagnostics in a box; wrapping it again is not a real paste.
_REWRAPPING = {"wrapped_76", "fenced_escaped_wrapped"}
COMBINATIONS = [
    pytest.param(producer, transform, id=f"{p_name}-{t_name}")
    for p_name, producer in PRODUCERS.items()
    for t_name, transform in TRANSFORMS.items()
    if not (p_name == "terraform" and t_name in _REWRAPPING)
]


@pytest.mark.parametrize(("producer", "transform"), COMBINATIONS)
def test_blob_is_extracted_exactly(
    producer: Callable[[str], str], transform: Callable[[str], str], blob: str
) -> None:
    result = parse_input(transform(producer(blob)))
    assert isinstance(result, ParsedInput), result
    assert result.kind == "error_text"
    assert result.encoded_message == blob
    assert result.truncated is False


@pytest.mark.parametrize("length", [400, 601, 1100, 2048])
def test_blob_length_does_not_matter(length: int) -> None:
    blob = make_blob(seed=length, length=length)
    result = parse_input(PRODUCERS["terraform"](blob))
    assert isinstance(result, ParsedInput)
    assert result.encoded_message == blob


def test_request_id_in_an_error_is_not_a_job(blob: str) -> None:
    result = parse_input(PRODUCERS["go_v2"](blob))
    assert isinstance(result, ParsedInput)
    assert result.job is None


def test_cloudtrail_event_id_is_not_a_job(blob: str) -> None:
    result = parse_input(PRODUCERS["cloudtrail"](blob))
    assert isinstance(result, ParsedInput)
    assert result.job is None


def test_sentence_and_blob_together(blob: str) -> None:
    result = parse_input(PRODUCERS["cloudformation_handler"](blob))
    assert isinstance(result, ParsedInput)
    assert result.encoded_message == blob
    assert result.sentence is not None
    assert result.sentence.action == "iam:PassRole"
    assert result.sentence.policy_type == "identity"
    assert result.account_id == "111122223333"


def test_status_with_blob_is_an_error_not_a_status(blob: str) -> None:
    result = parse_input(PRODUCERS["backup_status"](blob))
    assert isinstance(result, ParsedInput)
    assert (result.kind, result.status_text) == ("error_text", None)
