"""Scenario 5 (part): Redis goes away between the card and the click."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.redis_server import start_embedded
from tests.e2e import world
from tests.e2e.conftest import REQUESTER, Aws, Bot, start_bot
from tests.e2e.slack import SlackDriver, response_text

pytestmark = pytest.mark.e2e


def test_a_click_while_redis_is_down_gets_a_clear_message_and_changes_nothing(
    aws: Aws, tmp_path: Path
) -> None:
    redis_server = start_embedded(tmp_path / "redis")
    bot = start_bot(aws, redis_server.url, tmp_path)
    try:
        slack = SlackDriver(bot.events_url, bot.slack)
        failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
        slack.command(failure.job_id, REQUESTER)
        card = slack.wait_post("iam:PassRole")
        policies_before = world.inline_policies(aws.iam)

        redis_server.stop()
        name = slack.click(REQUESTER, card, card.button("request_fix", "GRANT_PASSROLE"))

        message = response_text(slack.wait_response(name, timeout=30)).lower()
        assert "redis" in message or "try again" in message
        assert not [p for p in slack.thread_posts() if "Approval needed" in p.text]
        assert world.inline_policies(aws.iam) == policies_before
    finally:
        stop_bot_quietly(bot)
        redis_server.stop()


def stop_bot_quietly(bot: Bot) -> None:
    """Stop the processes; the Redis they used is gone, so skip the key cleanup."""
    bot.web.stop()
    bot.worker.stop()
    bot.slack.stop()
