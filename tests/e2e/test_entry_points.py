"""Scenarios 2-4: the other remedy, the other ways in (message shortcut, modal), explicit denies."""

from __future__ import annotations

import json
import uuid

import pytest

from bot import slack_ids
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws
from tests.e2e.processes import eventually
from tests.e2e.slack import SlackDriver
from tests.support.aws_standin_backup import INSTANCE_PROFILE_KEY
from tests.support.slack_requests import interaction_body
from tests.support.slack_standin import SlackCall

pytestmark = pytest.mark.e2e

EXPLICIT_DENY = (
    f"User: arn:aws:sts::{world.ACCOUNT}:assumed-role/{world.RESTORE_ROLE}/"
    f"AWSBackup-{world.RESTORE_ROLE} is not authorized to perform: iam:PassRole on resource: "
    f"arn:aws:iam::{world.ACCOUNT}:role/AppRole with an explicit deny in a service control policy"
)


def test_restoring_without_the_iam_role_reruns_the_restore_without_the_instance_profile(
    slack: SlackDriver, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button("request_fix", "RESTORE_WITHOUT_IAM_ROLE"))
    approval = slack.wait_post("Approval needed")

    slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    slack.wait_post("Fix succeeded", timeout=30)
    (rerun,) = [
        job
        for job in aws.standin.admin.restore_jobs()
        if job["RecoveryPointArn"] == failure.recovery_point_arn
        and job["RestoreJobId"] != failure.job_id
    ]
    assert rerun["Status"] == "COMPLETED"
    assert INSTANCE_PROFILE_KEY not in rerun["Metadata"]
    assert rerun["Metadata"]["InstanceType"] == "t3.micro"
    assert world.inline_policies(aws.iam) == {}


def test_the_message_shortcut_explains_a_pasted_error_in_that_messages_thread(
    slack: SlackDriver, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    message_ts = "1699990000.000100"
    payload = {
        "type": "message_action",
        "callback_id": slack_ids.SHORTCUT_CALLBACK,
        "trigger_id": f"{uuid.uuid4().int % 10**10}.1.{uuid.uuid4().hex}",
        "team": {"id": "T0001"},
        "user": {"id": REQUESTER, "username": "ualice", "team_id": "T0001"},
        "channel": {"id": slack.channel, "name": "backups"},
        "message": {
            "type": "message",
            "user": "UOTHER",
            "ts": message_ts,
            "text": f"restore failed:\n{failure.status_message}",
        },
        "response_url": slack.slack.response_url(uuid.uuid4().hex[:8]),
        "message_ts": message_ts,
    }

    assert slack.post(interaction_body(payload)).status_code == 200

    card = slack.wait_post("iam:PassRole")
    assert card.thread_ts == message_ts
    assert failure.instance_role in card.mrkdwn()


def test_an_empty_command_opens_the_modal(slack: SlackDriver) -> None:
    assert slack.command("", REQUESTER).status_code == 200

    (opened,) = _wait_views_open(slack)
    view = opened.args["view"]
    assert view["callback_id"] == slack_ids.MODAL_CALLBACK
    assert view["private_metadata"] == slack.channel


def test_submitting_the_modal_with_an_account_posts_the_card(slack: SlackDriver, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    values = {
        slack_ids.MODAL_TEXT_BLOCK: {
            slack_ids.MODAL_TEXT_ACTION: {"type": "plain_text_input", "value": failure.blob}
        },
        slack_ids.MODAL_ACCOUNT_BLOCK: {
            slack_ids.MODAL_ACCOUNT_ACTION: {
                "type": "static_select",
                "selected_option": {"value": world.ACCOUNT},
            }
        },
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": REQUESTER, "username": "ualice", "team_id": "T0001"},
        "trigger_id": f"{uuid.uuid4().int % 10**10}.2.{uuid.uuid4().hex}",
        "view": {
            "id": "V0MODAL1",
            "type": "modal",
            "callback_id": slack_ids.MODAL_CALLBACK,
            "private_metadata": slack.channel,
            "state": {"values": values},
        },
    }

    answer = slack.post(interaction_body(payload))

    assert answer.status_code == 200
    card = slack.wait_post("iam:PassRole")
    assert failure.instance_role in card.mrkdwn()


def test_an_explicit_deny_gets_an_explanation_and_no_fix_buttons(slack: SlackDriver) -> None:
    slack.command(EXPLICIT_DENY, REQUESTER)

    card = slack.wait_post("iam:PassRole")
    assert "service control polic" in card.mrkdwn().lower()
    assert not [b for b in card.buttons() if b.action_id.startswith(slack_ids.ACTION_REQUEST_FIX)]
    assert "request_fix" not in json.dumps(card.blocks)


def _wait_views_open(slack: SlackDriver) -> list[SlackCall]:
    return eventually(
        lambda: [
            c
            for c in slack.slack.calls_to("views.open")
            if c.args["view"].get("private_metadata") == slack.channel
        ],
        what="views.open",
    )
