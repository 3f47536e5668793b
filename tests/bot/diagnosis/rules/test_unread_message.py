"""Rule: what was never read (a cut message, no AWS call) is named with the way to get it."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import unread_message
from bot.models import Job, JobRef, ParsedInput
from tests.bot.diagnosis.conftest import RuleContextFactory


@pytest.mark.parametrize(
    ("parsed", "codes"),
    [
        (
            ParsedInput(kind="error_text", encoded_message="AQoD", truncated=True),
            ["ENCODED_MESSAGE_CUT"],
        ),
        (ParsedInput(kind="error_text", truncated=True), ["ENCODED_MESSAGE_CUT"]),  # left out
        (
            ParsedInput(kind="encoded_message", encoded_message="A" * 600),
            ["ENCODED_MESSAGE_NOT_DECODED"],
        ),
        (ParsedInput(kind="job_id", job=JobRef(job_id="J1")), ["JOB_NOT_LOOKED_UP"]),
        (ParsedInput(kind="error_text"), []),
    ],
    ids=["cut", "left-out", "not-decoded", "job-not-looked-up", "nothing-missing"],
)
def test_when_it_fires(make_ctx: RuleContextFactory, parsed: ParsedInput, codes: list[str]) -> None:
    assert [h.code for h in unread_message.check(make_ctx(parsed=parsed))] == codes


def test_a_cut_message_points_at_the_called_api_in_cloudtrail(make_ctx: RuleContextFactory) -> None:
    parsed = ParsedInput(
        kind="error_text",
        encoded_message="AQoD",
        truncated=True,
        called_api="RunInstances",
        account_id="111122223333",
        region="eu-west-1",
    )
    (hit,) = unread_message.check(make_ctx(parsed=parsed))
    assert hit.details["called_api"] == "RunInstances"
    assert hit.details["where"] == "account 111122223333 (eu-west-1)"
    assert hit.skip == frozenset()


def test_with_the_job_known_the_job_id_is_not_asked_for(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    parsed = ParsedInput(kind="job_id", job=JobRef(job_id=restore_job.job_id), truncated=True)
    (hit,) = unread_message.check(make_ctx(parsed=parsed, job=restore_job))
    assert hit.code == "ENCODED_MESSAGE_CUT"
    assert hit.skip == frozenset({"PASTE_JOB_ID"})


def test_a_decoded_message_is_read_even_if_the_blob_was_cut(make_ctx: RuleContextFactory) -> None:
    decoded = {"allowed": False, "context": {"action": "iam:PassRole"}}
    parsed = ParsedInput(kind="error_text", encoded_message="AQoD", truncated=True, decoded=decoded)
    assert unread_message.check(make_ctx(decoded=decoded, parsed=parsed)) == []


def test_a_cut_paste_whose_job_was_found_says_the_job_gave_the_whole_message(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    decoded = {"allowed": False, "context": {"action": "iam:PassRole"}}
    parsed = ParsedInput(kind="error_text", encoded_message="AQoD", truncated=True)
    (hit,) = unread_message.check(make_ctx(decoded=decoded, parsed=parsed, job=restore_job))
    assert hit.code == "MESSAGE_FROM_JOB"
    assert hit.details["job_id"] == restore_job.job_id
