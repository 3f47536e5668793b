"""Drift: the restore role changes between the approval card and the approval. The worker reads
the role again, applies nothing, says which policy moved and offers the diagnosis again, whose
fix is then planned on what is there now."""

from __future__ import annotations

import json
import uuid

import pytest

from bot import slack_ids
from bot.fixes.grant_passrole import policy_name_for
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot
from tests.e2e.slack import SlackDriver

pytestmark = pytest.mark.e2e


def test_a_role_changed_after_the_plan_gets_nothing_applied(
    bot: Bot, aws: Aws, slack: SlackDriver
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button(slack_ids.ACTION_REQUEST_FIX, "GRANT_PASSROLE"))
    approval = slack.wait_post("Approval needed")
    request_id = approval.button(slack_ids.ACTION_APPROVE).value.split("|")[1]
    someone = f"added-by-hand-{uuid.uuid4().hex[:6]}"
    statement = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    aws.iam.put_role_policy(
        RoleName=world.RESTORE_ROLE, PolicyName=someone, PolicyDocument=json.dumps(document)
    )
    try:
        slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

        failed = slack.wait_post("changed since this fix was planned", timeout=40)
        assert someone in failed.mrkdwn() + failed.text
        assert policy_name_for(request_id) not in world.inline_policies(aws.iam)
        assert bot.store.get(request_id).state == "FAILED"
        again = slack.wait_post("iam:PassRole", count=3)  # card, approval, and the fresh card
        assert again.thread_ts == card.thread_ts
        assert any(b.value.endswith("|GRANT_PASSROLE") for b in again.buttons())
    finally:
        aws.iam.delete_role_policy(RoleName=world.RESTORE_ROLE, PolicyName=someone)
