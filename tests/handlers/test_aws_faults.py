"""AWS throttling and server errors on each call behind an answer: retried, or said plainly."""

from __future__ import annotations

import json

import pytest

from tests.handlers.conftest import REQUESTER, BotUnderTest, seed_restore_failure
from tests.support.slack_requests import command_body, post_signed

CALLS = [
    "sts:AssumeRole",
    "backup:DescribeRestoreJob",
    "backup:GetRestoreJobMetadata",
    "sts:DecodeAuthorizationMessage",
]


def ask_about_job(bot: BotUnderTest, operation: str, kind: str, count: int | None) -> None:
    job_id = seed_restore_failure(bot)
    bot.aws.inject_fault(operation, kind=kind, count=count)
    body = command_body(job_id, user_id=REQUESTER, response_url=bot.slack.response_url("cmd"))
    assert post_signed(bot.url, body).status_code == 200


@pytest.mark.parametrize("kind", ["throttle", "unavailable"])
@pytest.mark.parametrize("operation", CALLS)
def test_a_passing_fault_is_retried_and_the_card_still_arrives(
    bot: BotUnderTest, operation: str, kind: str
) -> None:
    ask_about_job(bot, operation, kind, count=1)
    card = bot.slack.wait_for("chat.postMessage", 2, timeout=30)[1]
    assert "iam:PassRole" in json.dumps(card.args["blocks"])
    assert bot.aws.calls()[operation] >= 2  # the failed call and its retry


@pytest.mark.parametrize(
    ("operation", "kind", "says"),
    [
        ("sts:DecodeAuthorizationMessage", "throttle", "throttling"),
        ("sts:DecodeAuthorizationMessage", "unavailable", "server error"),
    ],
)
def test_a_lasting_fault_gets_a_plain_answer_and_no_traceback(
    bot: BotUnderTest, operation: str, kind: str, says: str
) -> None:
    ask_about_job(bot, operation, kind, count=None)
    [reply] = bot.slack.wait_for("response_url", timeout=60)
    text = json.dumps(reply.args)
    assert says in text.lower()
    assert "Traceback" not in text
    assert bot.slack.calls_to("chat.postMessage") == []
