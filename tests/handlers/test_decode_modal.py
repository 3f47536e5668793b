"""The decode modal: an empty paste is refused inline; a paste gets a card in the channel."""

from __future__ import annotations

import json

from tests.handlers.conftest import ACCOUNT, BLOB, REQUESTER, BotUnderTest
from tests.handlers.payloads import view_submission
from tests.support.slack_requests import interaction_body, post_signed


def values(text: str, account: str | None = None) -> dict[str, object]:
    found: dict[str, object] = {
        "error_text": {"error_text_input": {"type": "plain_text_input", "value": text}}
    }
    if account:
        found["account"] = {
            "account_select": {"type": "static_select", "selected_option": {"value": account}}
        }
    return found


def test_an_empty_paste_is_refused_in_the_modal(bot: BotUnderTest) -> None:
    response = post_signed(bot.url, interaction_body(view_submission(values("  "), REQUESTER)))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"error_text": "Paste an error first."},
    }


def test_a_paste_with_an_account_gets_a_card(bot: BotUnderTest) -> None:
    payload = view_submission(values(BLOB, ACCOUNT), REQUESTER)
    assert post_signed(bot.url, interaction_body(payload)).status_code == 200
    parent, card = bot.slack.wait_for("chat.postMessage", 2)
    assert card.args["thread_ts"] == parent.args.get("ts", "1700000001.000100")
    assert "iam:PassRole" in json.dumps(card.args["blocks"])


def test_a_modal_opened_outside_a_channel_is_answered_in_a_dm(bot: BotUnderTest) -> None:
    payload = view_submission(values(BLOB), REQUESTER, channel="")
    post_signed(bot.url, interaction_body(payload))
    parent = bot.slack.wait_for("chat.postMessage")[0]
    assert parent.args["channel"] == REQUESTER
