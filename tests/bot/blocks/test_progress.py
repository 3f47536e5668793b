"""What the worker posts while it works and when it is done."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot import slack_ids
from bot.blocks import outcome_card, progress_card
from bot.blocks.progress import Stage
from bot.models import FixPlan, Job
from tests.bot.blocks.samples import ACCOUNT, JOB_ID, make_plan
from tests.bot.blocks.slack_checks import as_dicts, assert_within_slack_limits, mrkdwn_texts

JOB = Job(
    job_id=JOB_ID,
    job_type="restore",
    account_id=ACCOUNT,
    region="eu-west-1",
    status="COMPLETED",
    created_resource_arn="arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc",
)


@pytest.mark.parametrize(
    ("stage", "job_id", "percent", "line"),
    [
        ("applying_policy", None, None, ":gear: Applying the policy…"),
        ("policy_applied", None, None, ":white_check_mark: Policy applied."),
        ("starting_restore", None, None, ":arrow_forward: Starting the restore…"),
        ("restore_running", JOB_ID, None, f":arrow_forward: Restore job `{JOB_ID}` started"),
        ("restore_running", JOB_ID, 40.4, ":hourglass_flowing_sand: Restore running: 40%"),
    ],
)
def test_progress_lines(stage: Stage, job_id: str | None, percent: float | None, line: str) -> None:
    blocks = progress_card(stage, request_id="req-1", job_id=job_id, percent=percent)
    assert_within_slack_limits(blocks)
    assert mrkdwn_texts(blocks) == [line, "Request `req-1`"]


def _buttons(blocks: list[Block]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e for b in as_dicts(blocks) if b["type"] == "actions" for e in b["elements"]
    }


def test_completed_restore_names_what_it_created_and_links_the_job() -> None:
    blocks = outcome_card(
        make_plan(fix="RESTORE_WITHOUT_IAM_ROLE"), "SUCCEEDED", request_id="req-1", job=JOB
    )
    assert_within_slack_limits(blocks)
    assert mrkdwn_texts(blocks)[0] == (
        ":white_check_mark: Restore completed: created "
        "`arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc`"
    )
    assert list(_buttons(blocks)) == [slack_ids.ACTION_OPEN_JOB]


def test_finished_grant_offers_revert_with_a_confirm(plan: FixPlan) -> None:
    blocks = outcome_card(plan, "SUCCEEDED", request_id="req-1", revertible=True)
    assert_within_slack_limits(blocks)
    assert mrkdwn_texts(blocks)[0] == (
        ":white_check_mark: Done: added `backup-doctor-passrole` "
        "to role `AWSBackupDefaultServiceRole`."
    )
    revert = _buttons(blocks)[slack_ids.ACTION_REVERT]
    assert slack_ids.decode_value(revert["value"]) == ("req-1", "GRANT_PASSROLE")
    assert "confirm" in revert


def test_retryable_failure_offers_retry(plan: FixPlan) -> None:
    blocks = outcome_card(plan, "FAILED", request_id="req-1", reason="Throttled", retryable=True)
    assert mrkdwn_texts(blocks)[0] == ":x: Fix failed: Throttled"
    assert list(_buttons(blocks)) == [slack_ids.ACTION_RETRY]


def test_final_failure_offers_no_retry(plan: FixPlan) -> None:
    blocks = outcome_card(plan, "FAILED", request_id="req-1", reason="<!channel> denied")
    assert mrkdwn_texts(blocks) == [":x: Fix failed: &lt;!channel&gt; denied", "Request `req-1`"]


def test_reverted_says_what_was_removed(plan: FixPlan) -> None:
    blocks = outcome_card(plan, "REVERTED", request_id="req-1")
    assert mrkdwn_texts(blocks)[0] == (
        ":leftwards_arrow_with_hook: Reverted: removed `backup-doctor-passrole` from role "
        "`AWSBackupDefaultServiceRole`."
    )
    assert _buttons(blocks) == {}


def _grant_without_job() -> FixPlan:
    name = "backup-doctor-passrole"
    return make_plan(restore_params=None, inline_policies_after={name: {"Statement": []}})


def test_a_grant_made_without_the_job_asks_for_it_to_re_run_the_restore() -> None:
    blocks = outcome_card(_grant_without_job(), "SUCCEEDED", request_id="req-1", revertible=True)
    assert_within_slack_limits(blocks)
    assert "the bot does not know its job" in mrkdwn_texts(blocks)[0]
    rerun = _buttons(blocks)[slack_ids.ACTION_RERUN_ASK]
    assert rerun["text"]["text"] == "Re-run the restore"
    assert slack_ids.decode_value(rerun["value"]) == ("req-1", "GRANT_PASSROLE")
    assert slack_ids.ACTION_REVERT in _buttons(blocks)


def test_no_re_run_step_when_the_grant_re_ran_the_restore_or_failed(plan: FixPlan) -> None:
    done = outcome_card(plan, "SUCCEEDED", request_id="req-1", revertible=True)
    failed = outcome_card(_grant_without_job(), "FAILED", request_id="req-1", reason="x")
    assert slack_ids.ACTION_RERUN_ASK not in _buttons(done)
    assert slack_ids.ACTION_RERUN_ASK not in _buttons(failed)
