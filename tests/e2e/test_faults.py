"""Scenario 5 (part): the web process restarting mid-conversation, AWS throttling, Slack 429s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import slack_ids
from tests.e2e import world
from tests.e2e.conftest import REQUESTER, Aws, Bot
from tests.e2e.slack import SlackDriver, response_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def clean_faults(aws: Aws) -> Iterator[None]:
    yield
    aws.standin.admin.clear_faults()


def test_a_restarted_web_process_carries_on_the_conversation(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")

    bot.restart_web()
    slack.click(REQUESTER, card, card.button("request_fix", "GRANT_PASSROLE"))

    approval = slack.wait_post("Approval needed")
    assert approval.thread_ts == card.thread_ts
    assert approval.button(slack_ids.ACTION_APPROVE)


def test_aws_throttling_the_decode_gets_a_clear_answer(
    slack: SlackDriver, aws: Aws, clean_faults: None
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    aws.standin.admin.inject_fault("sts:DecodeAuthorizationMessage", "throttle", count=20)

    slack.command(failure.status_message, REQUESTER, response_name="throttled")

    answer = response_text(slack.wait_response("throttled", timeout=30))
    assert "throttl" in answer.lower()
    assert not slack.thread_posts()


def test_a_slack_429_on_post_message_still_posts_the_answer_once(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)

    slack.command(failure.job_id, REQUESTER)

    slack.wait_post("iam:PassRole", timeout=20)
    cards = [p for p in slack.thread_posts() if "iam:PassRole" in p.mrkdwn()]
    parents = [c for c in slack.calls_here("chat.postMessage") if not c.args.get("thread_ts")]
    assert len(cards) == 1
    assert len(parents) == 2  # the 429'd attempt and its retry: one message in Slack
