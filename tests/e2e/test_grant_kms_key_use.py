"""GRANT_KMS_KEY_USE end to end: a restore denied kms:Decrypt on its key gets a card that offers
the key grant; an approver approves; the worker adds exactly that policy and re-runs the restore;
Revert leaves the role as it was."""

from __future__ import annotations

import pytest

from bot import slack_ids
from bot.fixes.grant_kms_key_use import policy_name_for
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot
from tests.e2e.slack import SlackDriver

pytestmark = pytest.mark.e2e


def test_the_key_grant_is_applied_once_re_runs_the_restore_and_reverts(
    bot: Bot, aws: Aws, slack: SlackDriver
) -> None:
    failure = world.seed_kms_failure(aws.iam, aws.standin.admin)
    before = world.inline_policies(aws.iam)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("kms:Decrypt")
    fix = card.button(slack_ids.ACTION_REQUEST_FIX, "GRANT_KMS_KEY_USE")

    slack.click(REQUESTER, card, fix)
    approval = slack.wait_post("Approval needed")
    request_id = approval.button(slack_ids.ACTION_APPROVE).value.split("|")[1]
    assert failure.key_arn in approval.mrkdwn()
    assert "kms:ViaService" in approval.mrkdwn()
    slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    outcome = slack.wait_post("Fix succeeded", timeout=40)
    policy = world.inline_policies(aws.iam)[policy_name_for(request_id)]
    (statement,) = policy["Statement"]
    assert statement["Action"] in ("kms:Decrypt", ["kms:Decrypt"])
    assert statement["Resource"] in (failure.key_arn, [failure.key_arn])
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": f"ec2.{world.REGION}.amazonaws.com"}
    }
    reruns = [
        j
        for j in aws.standin.admin.restore_jobs()
        if j["RecoveryPointArn"] == failure.recovery_point_arn
        and j["RestoreJobId"] != failure.job_id
    ]
    assert [j["Status"] for j in reruns] == ["COMPLETED"]

    slack.click(REQUESTER, outcome, outcome.button(slack_ids.ACTION_REVERT))
    revert = slack.wait_post("Approval needed", count=2)
    slack.click(APPROVER, revert, revert.button(slack_ids.ACTION_APPROVE))
    slack.wait_post("Reverted", timeout=30)
    assert world.inline_policies(aws.iam) == before
