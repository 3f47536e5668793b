"""Scenario 1: the seeded PassRole failure, from `/decode-backup-error <job id>` to a revert.

One story in steps that build on each other (each step is its own test, in order, sharing the
module's bot and one channel): ask -> card; request the grant -> approval card; the requester
cannot approve it; an approver can -> the worker grants, re-runs the restore, reports success;
the audit trail shows every step; Revert removes exactly the policy the bot added.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import slack_ids
from bot.fixes.grant_passrole import policy_name_for
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot
from tests.e2e.processes import eventually
from tests.e2e.slack import Posted, SlackDriver, response_text

pytestmark = pytest.mark.e2e
#: the project's console script (pyproject's [project.scripts]) next to this interpreter
CLI = str(Path(sys.executable).with_name("decode-backup-error"))


class Story:
    """What the steps share: the seeded failure, the channel and the cards seen so far."""

    def __init__(self, bot: Bot, aws: Aws) -> None:
        self.failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
        self.slack = SlackDriver(bot.events_url, bot.slack)
        self.cards: dict[str, Posted] = {}
        self.request_id = ""


@pytest.fixture(scope="module")
def story(bot: Bot, aws: Aws) -> Story:
    return Story(bot, aws)


def test_a_job_id_gets_a_diagnosis_card_in_a_thread(story: Story) -> None:
    answer = story.slack.command(story.failure.job_id, REQUESTER)

    assert answer.status_code == 200
    card = story.slack.wait_post("iam:PassRole")
    headline = card.mrkdwn()
    assert world.RESTORE_ROLE in headline
    assert "AWSBackup-AWSBackupDefaultServiceRole" not in headline.split("\n")[0]
    assert story.failure.instance_role in headline
    remedies = [b for b in card.buttons() if b.action_id.startswith(slack_ids.ACTION_REQUEST_FIX)]
    fixes = [b.value.rsplit("|", 1)[-1] for b in remedies]
    assert fixes[:1] == ["RESTORE_WITHOUT_IAM_ROLE"]
    assert "GRANT_PASSROLE" in fixes
    story.cards["diagnosis"] = card


def test_requesting_the_grant_posts_an_approval_card_in_the_thread(story: Story) -> None:
    card = story.cards["diagnosis"]

    story.slack.click(REQUESTER, card, card.button("request_fix", "GRANT_PASSROLE"))

    approval = story.slack.wait_post("Approval needed")
    assert approval.thread_ts == card.thread_ts
    approve = approval.button(slack_ids.ACTION_APPROVE)
    story.request_id = approve.value.split("|")[1]
    assert policy_name_for(story.request_id) in approval.mrkdwn()
    story.cards["approval"] = approval


def test_the_requester_cannot_approve_their_own_fix(story: Story, bot: Bot) -> None:
    approval = story.cards["approval"]

    name = story.slack.click(REQUESTER, approval, approval.button(slack_ids.ACTION_APPROVE))

    refusal = response_text(story.slack.wait_response(name))
    assert "approve" in refusal.lower()
    assert bot.store.get(story.request_id).state == "FIX_REQUESTED"
    assert bot.redis.llen(f"rq:queue:{bot.prefix}-fixes") == 0


def test_an_approver_approves_and_the_worker_grants_and_reruns_the_restore(
    story: Story, bot: Bot, aws: Aws
) -> None:
    approval = story.cards["approval"]
    # No scripted outcome: the stand-in's PassRole rule completes the re-run only because the
    # bot's grant (iam:PassRole on the instance role, passed to EC2) is now on the restore role.

    story.slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    outcome = story.slack.wait_post("Fix succeeded", timeout=40)
    assert outcome.thread_ts == approval.thread_ts
    updated = eventually(
        lambda: [c for c in story.slack.calls_here("chat.update") if "Approved" in _mrkdwn(c.args)],
        what="the approval card to say who approved",
    )
    assert f"<@{APPROVER}>" in _mrkdwn(updated[0].args)
    policy = world.inline_policies(aws.iam)[policy_name_for(story.request_id)]
    (statement,) = policy["Statement"]
    assert statement["Action"] in ("iam:PassRole", ["iam:PassRole"])
    assert statement["Resource"] in (
        story.failure.instance_role_arn,
        [story.failure.instance_role_arn],
    )
    assert "iam:PassedToService" in json.dumps(statement.get("Condition", {}))
    reruns = _reruns(aws, story.failure)
    assert [job["Status"] for job in reruns] == ["COMPLETED"]
    assert reruns[0]["Metadata"]["IamInstanceProfileName"] == story.failure.instance_profile
    story.cards["outcome"] = outcome


def test_the_audit_trail_lists_every_step_with_its_actor(story: Story, bot: Bot) -> None:
    printed = subprocess.run(
        [CLI, "audit", "--request", story.request_id, "--json"],
        env=bot.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout

    events = [json.loads(line) for line in printed.splitlines() if line.strip()]
    steps = [(e["to"], e["actor"]) for e in events]
    states = [s for s, _ in steps]
    assert (
        states
        == ["DIAGNOSED", "FIX_REQUESTED", "APPROVED", "QUEUED", "RUNNING", "SUCCEEDED"][
            -len(states) :
        ]
    )
    actors = dict(steps)
    assert actors["FIX_REQUESTED"] == REQUESTER
    assert actors["APPROVED"] == APPROVER
    assert actors["QUEUED"] == APPROVER  # the approval queued it
    assert actors["SUCCEEDED"] == "worker"


def test_revert_removes_exactly_the_policy_the_bot_added(story: Story, bot: Bot, aws: Aws) -> None:
    outcome = story.cards["outcome"]
    story.slack.click(REQUESTER, outcome, outcome.button(slack_ids.ACTION_REVERT))
    approval = story.slack.wait_post("Approval needed", count=2)

    story.slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    story.slack.wait_post("Reverted", timeout=30)
    assert policy_name_for(story.request_id) not in world.inline_policies(aws.iam)
    assert bot.store.get(story.request_id).state == "REVERTED"


def _mrkdwn(args: dict[str, Any]) -> str:
    from tests.e2e.slack import mrkdwn_texts

    blocks = args.get("blocks") or []
    return "\n".join(mrkdwn_texts(json.loads(blocks) if isinstance(blocks, str) else blocks))


def _reruns(aws: Aws, failure: world.PassRoleFailure) -> list[dict[str, Any]]:
    """Restore jobs started from the failed job's recovery point (the seeded job excluded)."""
    jobs = aws.standin.admin.restore_jobs()
    return [
        j
        for j in jobs
        if j["RecoveryPointArn"] == failure.recovery_point_arn
        and j["RestoreJobId"] != failure.job_id
    ]
