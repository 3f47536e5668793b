"""Remedy, approval and decoded-message buttons: four eyes, requester-only detail, one enqueue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.slack_ids import encode_value
from bot.worker.queues import fix_queue
from tests.handlers.conftest import (
    ACCOUNT,
    APPROVER,
    BLOB,
    INSTANCE_ROLE,
    REQUESTER,
    BotUnderTest,
    seed_restore_failure,
)
from tests.handlers.payloads import block_action
from tests.support.slack_requests import command_body, interaction_body, post_signed

STATUS = (
    "You are not authorized to perform this operation. Please consult the permissions associated "
    "with your AWS Backup role(s), and refer to the AWS Backup documentation for more details. "
    f"Encoded authorization failure message: {BLOB}"
)
RECOVERY_POINT = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"


@pytest.fixture
def card(bot: BotUnderTest) -> dict[str, Any]:
    """The diagnosis card of a failed EC2 restore, asked for by job id."""
    job_id = seed_restore_failure(bot)
    post_signed(
        bot.url, command_body(job_id, user_id=REQUESTER, response_url=bot.slack.response_url("cmd"))
    )
    _parent, posted = bot.slack.wait_for("chat.postMessage", 2)
    return {"args": posted.args, "thread_ts": posted.args["thread_ts"], "ts": "1700000002.000100"}


def buttons(card_args: dict[str, Any]) -> dict[str, str]:
    return {
        e["action_id"]: e.get("value", "")
        for b in card_args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


def click(bot: BotUnderTest, action_id: str, value: str, user: str, card: dict[str, Any]) -> None:
    payload = block_action(
        action_id,
        value,
        user,
        card["ts"],
        card["thread_ts"],
        bot.slack.response_url(f"click-{user}"),
    )
    assert post_signed(bot.url, interaction_body(payload)).status_code == 200


def request_grant(bot: BotUnderTest, card: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    found = buttons(card["args"])
    grant = next(a for a, v in found.items() if v.endswith("|GRANT_PASSROLE"))
    click(bot, grant, found[grant], REQUESTER, card)
    approval = bot.slack.wait_for("chat.postMessage", 3)[2]
    return found[grant].split("|")[1], approval.args


def test_the_no_iam_remedy_comes_first(card: dict[str, Any]) -> None:
    values = list(buttons(card["args"]).values())
    remedies = [v.split("|")[2] for v in values if v.count("|") == 2 and v.split("|")[2]]
    assert remedies[:2] == ["RESTORE_WITHOUT_IAM_ROLE", "GRANT_PASSROLE"]


def test_the_decoded_message_opens_for_the_requester_only(
    bot: BotUnderTest, card: dict[str, Any]
) -> None:
    value = buttons(card["args"])["show_decoded"]
    click(bot, "show_decoded", value, APPROVER, card)
    [refusal] = bot.slack.wait_for("response_url")
    assert "Only the person who asked" in json.dumps(refusal.args)
    assert bot.slack.calls_to("views.open") == []
    click(bot, "show_decoded", value, REQUESTER, card)
    [opened] = bot.slack.wait_for("views.open")
    assert INSTANCE_ROLE in json.dumps(opened.args["view"])


def test_requesting_a_grant_posts_exactly_what_will_change(
    bot: BotUnderTest, card: dict[str, Any]
) -> None:
    request_id, approval = request_grant(bot, card)
    text = json.dumps(approval["blocks"])
    assert approval["thread_ts"] == card["thread_ts"]
    assert "iam:PassRole" in text
    assert INSTANCE_ROLE in text
    assert "ec2.amazonaws.com" in text
    assert f"<@{APPROVER}>" in approval["text"]
    assert bot.services.store.get(request_id).state == "FIX_REQUESTED"


def test_the_requester_cannot_approve_their_own_fix(
    bot: BotUnderTest, card: dict[str, Any]
) -> None:
    request_id, _ = request_grant(bot, card)
    click(bot, "approve_fix", encode_value(request_id, "GRANT_PASSROLE"), REQUESTER, card)
    [refusal] = bot.slack.wait_for("response_url")
    assert "someone else must approve" in json.dumps(refusal.args)
    assert bot.services.store.get(request_id).state == "FIX_REQUESTED"


def test_an_approver_approves_once_and_the_fix_is_queued_once(
    bot: BotUnderTest, card: dict[str, Any], redis_client: Any
) -> None:
    request_id, _ = request_grant(bot, card)
    value = encode_value(request_id, "GRANT_PASSROLE")
    click(bot, "approve_fix", value, APPROVER, card)
    click(bot, "approve_fix", value, "UOTHER", card)  # a late click by someone else
    [update] = bot.slack.wait_for("chat.update")
    assert "Approved by" in json.dumps(update.args["blocks"])
    bot.services.work.shutdown(wait=True)
    assert bot.services.store.get(request_id).state == "QUEUED"
    queue = fix_queue(redis_client, bot.services.prefix)
    assert queue.count == 1


def test_twenty_approvals_at_once_queue_one_job(
    bot: BotUnderTest, card: dict[str, Any], redis_client: Any
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bot.slack.add_user("UAPPROVER2")
    request_id, _ = request_grant(bot, card)
    value = encode_value(request_id, "GRANT_PASSROLE")

    def approve(n: int) -> int:
        payload = block_action(
            "approve_fix",
            value,
            APPROVER,
            f"{card['ts']}{n}",
            card["thread_ts"],
            bot.slack.response_url(f"a{n}"),
        )
        return post_signed(bot.url, interaction_body(payload)).status_code

    with ThreadPoolExecutor(20) as pool:
        assert set(pool.map(approve, range(20))) == {200}
    bot.services.work.shutdown(wait=True)
    assert bot.services.store.get(request_id).state == "QUEUED"
    assert fix_queue(redis_client, bot.services.prefix).count == 1
    assert len(bot.slack.calls_to("chat.update")) == 1
    stale = bot.slack.calls_to("response_url")
    assert len(stale) == 19
    assert all("Already approved by" in json.dumps(c.args) for c in stale)


def test_a_click_before_the_card_ts_is_saved_still_updates_the_clicked_card(
    bot: BotUnderTest, card: dict[str, Any], redis_client: Any
) -> None:
    request_id, _ = request_grant(bot, card)
    redis_client.hdel(bot.services.store.key(request_id), "message_ts")  # the race, pinned
    click(bot, "approve_fix", encode_value(request_id, "GRANT_PASSROLE"), APPROVER, card)
    [update] = bot.slack.wait_for("chat.update")
    assert update.args["ts"] == card["ts"]  # the message the approver clicked
    assert "Approved by" in json.dumps(update.args["blocks"])


def test_on_a_card_nobody_asked_for_the_decoded_message_is_for_approvers(
    bot: BotUnderTest, card: dict[str, Any]
) -> None:
    """The events process's cards have no requester: the account's approvers may look."""
    request_id = buttons(card["args"])["show_decoded"].split("|")[1]
    diagnosis = bot.services.store.get(request_id).diagnosis
    unasked = bot.services.store.create(
        diagnosis, "C0PROD", card["thread_ts"], requester="", account_id=ACCOUNT, region="us-east-1"
    )
    value = encode_value(unasked.id, "")
    click(bot, "show_decoded", value, REQUESTER, card)  # not an approver of the account
    [refusal] = bot.slack.wait_for("response_url")
    assert "approvers" in json.dumps(refusal.args)
    assert bot.slack.calls_to("views.open") == []
    click(bot, "show_decoded", value, APPROVER, card)
    [opened] = bot.slack.wait_for("views.open")
    assert INSTANCE_ROLE in json.dumps(opened.args["view"])
