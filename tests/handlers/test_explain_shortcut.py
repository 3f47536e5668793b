"""The "Explain backup error" message shortcut answers in that message's thread."""

from __future__ import annotations

import json

from handlers.explain_shortcut import message_text
from tests.handlers.conftest import BLOB, REQUESTER, BotUnderTest
from tests.handlers.payloads import message_action
from tests.support.slack_requests import interaction_body, post_signed


def test_the_card_goes_into_the_thread_of_the_message(bot: BotUnderTest) -> None:
    payload = message_action(
        f"restore failed: Encoded authorization failure message: {BLOB}", REQUESTER
    )
    assert post_signed(bot.url, interaction_body(payload)).status_code == 200
    [card] = bot.slack.wait_for("chat.postMessage")
    assert card.args["thread_ts"] == "1700000500.000100"
    assert "iam:PassRole" in json.dumps(card.args["blocks"])


def test_a_message_already_in_a_thread_is_answered_in_that_thread(bot: BotUnderTest) -> None:
    payload = message_action(BLOB, REQUESTER, ts="1700000700.000100", thread_ts="1700000100.000001")
    post_signed(bot.url, interaction_body(payload))
    [card] = bot.slack.wait_for("chat.postMessage")
    assert card.args["thread_ts"] == "1700000100.000001"


def test_errors_in_attachments_are_read_too() -> None:
    message = {
        "text": "Backup alert",
        "attachments": [{"title": "Restore failed", "text": BLOB, "fields": [{"value": "job 1"}]}],
    }
    assert message_text(message) == f"Backup alert\nRestore failed\n{BLOB}\njob 1"
