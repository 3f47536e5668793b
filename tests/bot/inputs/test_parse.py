"""parse_input: which kind a text is, where it points, and what is refused."""

from __future__ import annotations

import itertools

import pytest

from bot.inputs import parse_input
from bot.inputs.sizes import MAX_INPUT_CHARS
from bot.models import ParsedInput, Rejection
from tests.bot.inputs.producers import make_blob, wrapped

UUID = "D48D8A7B-4A3F-4B9D-9D2C-0B1A2C3D4E5F"
ARN = f"arn:aws:backup:eu-west-1:123456789012:restore-job:{UUID}"


def _parsed(text: str) -> ParsedInput:
    result = parse_input(text)
    assert isinstance(result, ParsedInput), result
    return result


def _rejected(text: str) -> Rejection:
    result = parse_input(text)
    assert isinstance(result, Rejection), result
    return result


def test_bare_blob_is_an_encoded_message(blob: str) -> None:
    parsed = _parsed(f"  {blob}\n")
    assert (parsed.kind, parsed.encoded_message, parsed.truncated) == (
        "encoded_message",
        blob,
        False,
    )


def test_bare_blob_wrapped_anyhow_is_rejoined(blob: str) -> None:
    cuts = [0, 45, 100, 170, 230, 300, 371, 440, 512, len(blob)]
    ragged = "\n".join(blob[a:b] for a, b in itertools.pairwise(cuts))
    assert _parsed(ragged).encoded_message == blob


@pytest.mark.parametrize("text", ["label only: Encoded authorization failure message: {b}"])
def test_label_and_blob_alone_is_an_encoded_message(text: str, blob: str) -> None:
    parsed = _parsed(text.format(b=blob).removeprefix("label only: "))
    assert (parsed.kind, parsed.encoded_message) == ("encoded_message", blob)


def test_decode_command_is_an_encoded_message(blob: str) -> None:
    parsed = _parsed(f"aws sts decode-authorization-message --encoded-message '{blob}'")
    assert (parsed.kind, parsed.encoded_message) == ("encoded_message", blob)


def test_blob_in_prose_without_its_label(blob: str) -> None:
    parsed = _parsed(f"hey, restore failed with\n{wrapped(blob)}\n\nany idea?")
    assert (parsed.kind, parsed.encoded_message) == ("encoded_message", blob)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{b}...", "ellipsis after"),
        ("{b}…", "unicode ellipsis after"),
        ("...{b}", "ellipsis before"),
        ("{b} [truncated]", "marked truncated"),
    ],
)
def test_cut_blob_is_truncated(text: str, why: str, blob: str) -> None:
    parsed = _parsed(f"Encoded authorization failure message: {text.format(b=blob)}")
    assert parsed.truncated is True, why
    assert parsed.encoded_message == blob


def test_short_blob_is_truncated() -> None:
    short = make_blob(seed=1, length=150)
    parsed = _parsed(f"You are not authorized. Encoded authorization failure message: {short}")
    assert (parsed.encoded_message, parsed.truncated) == (short, True)


def test_blob_longer_than_sts_accepts_is_not_sent() -> None:
    parsed = _parsed(make_blob(seed=2, length=10_241))
    assert parsed.truncated is True


def test_error_without_blob_or_sentence_is_still_an_error() -> None:
    parsed = _parsed(
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
        "You are not authorized to perform this operation."
    )
    assert (parsed.kind, parsed.encoded_message, parsed.truncated) == ("error_text", None, False)


def test_job_arn() -> None:
    parsed = _parsed(f"<https://console.aws.amazon.com/backup|{ARN}>")
    assert parsed.kind == "job_arn"
    assert (parsed.account_id, parsed.region) == ("123456789012", "eu-west-1")


def test_job_id() -> None:
    parsed = _parsed(f"restore job `{UUID}` region=eu-west-1")
    assert parsed.kind == "job_id"
    assert parsed.job is not None
    assert parsed.job.job_type == "restore"
    assert (parsed.region, parsed.region_hint, parsed.account_id) == ("eu-west-1", True, None)


def test_account_comes_from_the_principal_first() -> None:
    parsed = _parsed(
        "User: arn:aws:iam::111122223333:user/ana is not authorized to perform: s3:GetObject on "
        "resource: arn:aws:s3:us-east-1:444455556666:accesspoint/ap because no resource-based "
        "policy allows the s3:GetObject action"
    )
    assert (parsed.account_id, parsed.region) == ("111122223333", "us-east-1")


def test_fake_account_ids_are_not_accounts() -> None:
    parsed = _parsed(
        "User: arn:aws:sts::XXXXXX:assumed-role/r/s is not authorized to perform: ec2:CreateFleet"
        " on resource: arn:aws:ec2:us-west-2:1234567890123:launch-template/*"
    )
    assert (parsed.account_id, parsed.region) == (None, "us-west-2")


@pytest.mark.parametrize("text", ["", "   \n\t ", "```\n```", "\u200b"])
def test_empty(text: str) -> None:
    assert _rejected(text).reason == "empty"


@pytest.mark.parametrize("text", ["hello", "help", "please fix my backup", "1234", "{}"])
def test_unrecognised_says_what_is_accepted(text: str) -> None:
    rejection = _rejected(text)
    assert rejection.reason == "unrecognised"
    for example in ("Encoded authorization failure message:", UUID, ARN, '"allowed": false'):
        assert example in rejection.message


def test_too_long() -> None:
    rejection = _rejected("a" * (MAX_INPUT_CHARS + 1))
    assert rejection.reason == "too_long"
    assert "job ID" in rejection.message


def test_binary() -> None:
    assert _rejected("\x00\x01\x02\x89PNG\x1a\x00" * 50).reason == "binary"
