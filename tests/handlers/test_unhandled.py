"""Every signed request Slack sends gets a 2xx, with payloads shaped as in Slack's SDK test suites:
a button of an older card, events the bot does not use, a closed modal, a select's options, a
shortcut or command of another app version. Forged requests still get 401."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.observability.metrics import REGISTRY
from tests.handlers.conftest import APPROVER, BotUnderTest
from tests.handlers.payloads import block_action
from tests.support.slack_requests import command_body, interaction_body, post_signed

JSON = {"Content-Type": "application/json"}


def _event(event: dict[str, Any]) -> str:
    return json.dumps(
        {
            "token": "legacy-unused",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{abs(hash(json.dumps(event))) % 10**10:010d}",
            "event_time": 1700000000,
            "authorizations": [{"team_id": "T0001", "user_id": "UBOTBACKUP", "is_bot": True}],
        }
    )


EVENTS = [
    {"type": "app_home_opened", "user": APPROVER, "channel": "D0HOME", "tab": "home",
     "event_ts": "1700000000.000100"},
    {"type": "reaction_added", "user": APPROVER, "reaction": "eyes", "item_user": "UBOTBACKUP",
     "item": {"type": "message", "channel": "C0PROD", "ts": "1700000000.000200"},
     "event_ts": "1700000000.000300"},
    {"type": "member_joined_channel", "user": "UBOTBACKUP", "channel": "C0PROD",
     "channel_type": "C", "team": "T0001", "event_ts": "1700000000.000400"},
    {"type": "app_uninstalled", "event_ts": "1700000000.000500"},
]  # fmt: skip


def _count(kind: str) -> float:
    value = REGISTRY.get_sample_value("backup_doctor_unhandled_requests_total", {"kind": kind})
    return value or 0.0


@pytest.mark.parametrize("event", EVENTS, ids=[e["type"] for e in EVENTS])
def test_an_event_nobody_handles_gets_200(bot: BotUnderTest, event: dict[str, Any]) -> None:
    before = _count("event")
    response = post_signed(bot.url, _event(event), extra_headers=JSON)

    assert response.status_code == 200
    assert _count("event") == before + 1


def test_a_button_of_an_older_card_gets_200_and_a_private_note(bot: BotUnderTest) -> None:
    click = block_action(
        "retired_button_v0", "v0|x", APPROVER, "1700000001.000100", "1700000000.000100",
        bot.slack.response_url("old"),
    )  # fmt: skip

    response = post_signed(bot.url, interaction_body(click))

    assert response.status_code == 200
    [note] = bot.slack.wait_for("response_url")
    assert note.args["response_type"] == "ephemeral"
    assert note.args["replace_original"] is False
    assert "out of date" in note.args["text"]


def test_a_legacy_attachment_button_gets_200(bot: BotUnderTest) -> None:
    payload = {
        "type": "interactive_message",
        "actions": [{"name": "approve", "type": "button", "value": "yes"}],
        "callback_id": "legacy_approval",
        "team": {"id": "T0001", "domain": "example"},
        "channel": {"id": "C0PROD", "name": "backups"},
        "user": {"id": APPROVER, "name": "approver"},
        "action_ts": "1700000002.000001",
        "message_ts": "1700000001.000100",
        "attachment_id": "1",
        "token": "legacy-unused",
        "response_url": bot.slack.response_url("legacy"),
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }
    assert post_signed(bot.url, interaction_body(payload)).status_code == 200


def test_a_closed_modal_and_an_unknown_submission_get_200(bot: BotUnderTest) -> None:
    for kind in ("view_closed", "view_submission"):
        payload = {
            "type": kind,
            "team": {"id": "T0001"},
            "user": {"id": APPROVER},
            "view": {"id": "V0001", "type": "modal", "callback_id": "retired_modal",
                     "private_metadata": "", "state": {"values": {}}},
            "is_cleared": False,
        }  # fmt: skip
        response = post_signed(bot.url, interaction_body(payload))
        assert response.status_code == 200, kind
        assert not response.content or "errors" not in response.json()


def test_options_for_an_unknown_select_are_empty(bot: BotUnderTest) -> None:
    payload = {
        "type": "block_suggestion",
        "user": {"id": APPROVER},
        "team": {"id": "T0001"},
        "action_id": "retired_select",
        "block_id": "b1",
        "value": "prod",
        "container": {"type": "message", "message_ts": "1700000001.000100"},
    }
    response = post_signed(bot.url, interaction_body(payload))

    assert response.status_code == 200
    assert response.json() == {"options": []}


def test_a_shortcut_and_a_command_of_another_version_get_200(bot: BotUnderTest) -> None:
    shortcut = {
        "type": "shortcut",
        "token": "legacy-unused",
        "action_ts": "1700000003.000001",
        "team": {"id": "T0001"},
        "user": {"id": APPROVER},
        "callback_id": "retired_global_shortcut",
        "trigger_id": "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638",
    }
    assert post_signed(bot.url, interaction_body(shortcut)).status_code == 200

    response = post_signed(bot.url, command_body("x", command="/backup-doctor-old"))
    assert response.status_code == 200
    assert "/decode-backup-error" in response.text


def test_a_forged_request_is_still_401(bot: BotUnderTest) -> None:
    body = _event(EVENTS[0])
    assert (
        post_signed(bot.url, body, secret="not-the-secret", extra_headers=JSON).status_code == 401
    )


def test_the_real_listeners_still_win(bot: BotUnderTest) -> None:
    before = _count("command")
    response = post_signed(bot.url, command_body("help"))

    assert response.status_code == 200
    assert _count("command") == before  # /decode-backup-error is handled by its own listener
