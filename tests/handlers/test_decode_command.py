"""``/decode-backup-error``: ack at once, then the card in a thread (or ephemeral, or an error)."""

from __future__ import annotations

import json

from tests.handlers.conftest import BLOB, CHANNEL, REQUESTER, BotUnderTest
from tests.support.slack_requests import command_body, post_signed

ERROR = (
    "An error occurred (UnauthorizedOperation) when calling the StartRestoreJob operation: "
    "You are not authorized to perform this operation. "
    f"Encoded authorization failure message: {BLOB}"
)


def send(bot: BotUnderTest, text: str, **kwargs: str) -> dict[str, object]:
    kwargs.setdefault("response_url", bot.slack.response_url("cmd"))
    response = post_signed(bot.url, command_body(text, **kwargs))
    assert response.status_code == 200
    return response.json() if response.content else {}


def test_the_ack_says_looking_at_it_and_the_card_lands_in_a_thread(bot: BotUnderTest) -> None:
    ack = send(bot, ERROR)
    assert ack["response_type"] == "ephemeral"
    assert "Looking at it" in json.dumps(ack)
    parent, card = bot.slack.wait_for("chat.postMessage", 2)
    assert parent.args["channel"] == CHANNEL
    assert "thread_ts" not in parent.args
    assert f"<@{REQUESTER}>" in parent.args["text"]
    assert card.args["thread_ts"] == "1700000001.000100"
    text = json.dumps(card.args["blocks"])
    assert "AWSBackupDefaultServiceRole" in text
    assert "iam:PassRole" in text
    assert "AmazonSSMRoleForInstancesQuickSetup" in text


def test_the_card_offers_buttons_and_hides_the_decoded_json(bot: BotUnderTest) -> None:
    send(bot, ERROR)
    card = bot.slack.wait_for("chat.postMessage", 2)[1]
    actions = [
        e["action_id"] for b in card.args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "show_decoded" in actions
    assert '"allowed": false' not in json.dumps(card.args["blocks"]).lower()


def test_help_prints_usage_in_the_ack(bot: BotUnderTest) -> None:
    ack = send(bot, "help")
    assert ack["response_type"] == "ephemeral"
    assert "job" in json.dumps(ack["blocks"]).lower()


def test_an_empty_command_in_a_channel_opens_the_modal(bot: BotUnderTest) -> None:
    send(bot, "")
    [call] = bot.slack.wait_for("views.open")
    assert call.args["trigger_id"] == "1337.42.abcdef"
    assert call.args["view"]["callback_id"] == "decode_backup_error_modal"


def test_an_empty_command_in_a_dm_prints_usage(bot: BotUnderTest) -> None:
    ack = send(bot, "", channel_id="D0DIRECT")
    assert "blocks" in ack
    assert bot.slack.calls_to("views.open") == []


def test_garbage_gets_a_short_answer_saying_what_is_accepted(bot: BotUnderTest) -> None:
    send(bot, "hello there, what's up?")
    [reply] = bot.slack.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "job" in json.dumps(reply.args["blocks"]).lower()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_an_expired_or_foreign_message_says_what_to_do(bot: BotUnderTest) -> None:
    other = BLOB[::-1]  # not registered: STS answers InvalidAuthorizationMessageException
    send(bot, f"Encoded authorization failure message: {other}")
    [reply] = bot.slack.wait_for("response_url")
    text = json.dumps(reply.args["blocks"])
    assert "expired" in text.lower()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_a_truncated_message_gets_a_partial_card_and_is_not_sent_to_aws(
    bot: BotUnderTest,
) -> None:
    send(
        bot,
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You "
        f"are not authorized to perform this operation. Encoded authorization failure message: "
        f"{BLOB[:300]}...",
    )
    card = json.dumps(bot.slack.wait_for("chat.postMessage", 2)[1].args["blocks"])
    assert "cut off" in card
    assert "Find the whole message in CloudTrail" in card
    assert "RunInstances" in card
    assert "sts:DecodeAuthorizationMessage" not in bot.aws.calls()


def test_a_channel_set_to_ephemeral_gets_the_card_only_for_the_asker(bot: BotUnderTest) -> None:
    send(bot, ERROR, channel_id="CEPHEMERAL")
    [reply] = bot.slack.wait_for("response_url")
    assert "iam:PassRole" in json.dumps(reply.args["blocks"])
    assert bot.slack.calls_to("chat.postMessage") == []


def test_when_the_bot_is_not_in_the_channel_the_asker_still_gets_the_card(
    bot: BotUnderTest,
) -> None:
    bot.slack.not_in_channel.add("CNOTJOINED")
    send(bot, ERROR, channel_id="CNOTJOINED")
    [reply] = bot.slack.wait_for("response_url")
    text = json.dumps(reply.args["blocks"])
    assert "iam:PassRole" in text
    assert "/invite" in text


def test_a_retried_delivery_gets_one_answer(bot: BotUnderTest) -> None:
    body = command_body(ERROR, response_url=bot.slack.response_url("cmd"))
    first = post_signed(bot.url, body)
    again = post_signed(bot.url, body, extra_headers={"X-Slack-Retry-Num": "1"})
    assert (first.status_code, again.status_code) == (200, 200)
    bot.slack.wait_for("chat.postMessage", 2)
    bot.services.work.shutdown(wait=True)
    assert len(bot.slack.calls_to("chat.postMessage")) == 2  # one parent, one card


def test_a_slack_server_error_is_retried_and_the_answer_posted_once(bot: BotUnderTest) -> None:
    bot.slack.fail_next("chat.postMessage", status=503)
    send(bot, ERROR)
    posts = bot.slack.wait_for("chat.postMessage", 3)  # the failed one, its retry, the card
    bot.services.work.shutdown(wait=True)
    assert len(bot.slack.calls_to("chat.postMessage")) == 3
    assert sum(1 for p in posts if "thread_ts" in p.args) == 1


def test_an_unknown_job_id_says_where_it_looked(bot: BotUnderTest) -> None:
    send(bot, "restore job 5b2a3c4d-1e2f-4a5b-8c9d-0e1f2a3b4c5d")
    [reply] = bot.slack.wait_for("response_url", timeout=20)
    text = json.dumps(reply.args["blocks"])
    assert "not found" in text
    assert "prod" in text
    assert "us-east-1" in text
    assert "eu-west-1" in text
    assert bot.slack.calls_to("chat.postMessage") == []
