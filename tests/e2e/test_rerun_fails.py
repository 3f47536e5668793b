"""A re-run that fails again: the worker says so, offers a retry, and explains the new failure."""

from __future__ import annotations

import secrets

import pytest

from bot import slack_ids
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws
from tests.e2e.slack import SlackDriver
from tests.support.decoded_messages import implicit_denial

pytestmark = pytest.mark.e2e

KEY_ARN = f"arn:aws:kms:us-east-1:{world.ACCOUNT}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


def kms_denial(role: str) -> dict[str, object]:
    """What STS decodes the re-run's new message to: the restore role may not use the EBS key."""
    return implicit_denial("kms:CreateGrant", KEY_ARN, account=world.ACCOUNT, restore_role=role)


def test_a_rerun_that_fails_again_is_reported_with_a_retry_and_a_new_diagnosis(
    slack: SlackDriver, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    blob = secrets.token_urlsafe(600)[:700]
    aws.standin.admin.register_blob(blob, kms_denial(world.RESTORE_ROLE), account=world.ACCOUNT)
    aws.standin.admin.script_restore_outcome(
        "FAILED",
        status_message="You are not authorized to perform this operation. Please consult the "
        "permissions associated with your AWS Backup role(s), and refer to the AWS Backup "
        f"documentation for more details. Encoded authorization failure message: {blob}",
        recovery_point_arn=failure.recovery_point_arn,
    )
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button("request_fix", "RESTORE_WITHOUT_IAM_ROLE"))
    approval = slack.wait_post("Approval needed")
    slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    failed = slack.wait_post("Fix failed", timeout=30)
    assert failed.button(slack_ids.ACTION_RETRY)
    new_card = slack.wait_post("kms:CreateGrant", timeout=30)
    assert KEY_ARN in new_card.mrkdwn()
    assert new_card.thread_ts == card.thread_ts

    # a retry is a new run: it starts a new restore (a new token), it does not follow the failed one
    slack.click(APPROVER, failed, failed.button(slack_ids.ACTION_RETRY))
    slack.wait_post("Fix succeeded", timeout=30)
    reruns = [
        job
        for job in aws.standin.admin.restore_jobs()
        if job["RecoveryPointArn"] == failure.recovery_point_arn
        and job["RestoreJobId"] != failure.job_id
    ]
    assert sorted(job["Status"] for job in reruns) == ["COMPLETED", "FAILED"]
