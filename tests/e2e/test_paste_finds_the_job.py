"""The classic case as people paste it: AWS Backup's error text from the console, no job ID.

The bot decodes the blob, finds the failed restore whose status message carries it
(ListRestoreJobs in the account's Regions), and the card offers the fixes that re-run that
restore, exactly as for a pasted job ID.
"""

from __future__ import annotations

import pytest

from bot import slack_ids
from bot.fixes.grant_passrole import policy_name_for
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot
from tests.e2e.slack import SlackDriver

pytestmark = pytest.mark.e2e


def test_a_pasted_backup_error_finds_its_job_and_offers_the_re_run(bot: Bot, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack = SlackDriver(bot.events_url, bot.slack)

    answer = slack.command(failure.status_message, REQUESTER)

    assert answer.status_code == 200
    card = slack.wait_post(failure.job_id)
    assert failure.instance_role in card.mrkdwn()
    requests = [b for b in card.buttons() if b.action_id.startswith(slack_ids.ACTION_REQUEST_FIX)]
    fixes = [b.value.rsplit("|", 1)[-1] for b in requests]
    assert fixes[:1] == ["RESTORE_WITHOUT_IAM_ROLE"]  # the re-run needs the job: it was found
    assert "GRANT_PASSROLE" in fixes
    assert aws.standin.admin.calls().get("backup:ListRestoreJobs", 0) >= 1


def test_the_pasted_console_error_leads_through_approval_to_the_grant_and_the_re_run(
    bot: Bot, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack = SlackDriver(bot.events_url, bot.slack)
    slack.command(failure.status_message, REQUESTER)
    card = slack.wait_post(failure.job_id)

    slack.click(REQUESTER, card, card.button(slack_ids.ACTION_REQUEST_FIX, "GRANT_PASSROLE"))
    approval = slack.wait_post("Approval needed")
    slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    slack.wait_post("Fix succeeded", timeout=40)
    request_id = approval.button(slack_ids.ACTION_APPROVE).value.split("|")[1]
    assert policy_name_for(request_id) in world.inline_policies(aws.iam)
    reruns = [
        job
        for job in aws.standin.admin.restore_jobs()
        if job["RecoveryPointArn"] == failure.recovery_point_arn
        and job["RestoreJobId"] != failure.job_id
    ]
    assert [job["Status"] for job in reruns] == ["COMPLETED"]  # the same restore, now allowed
