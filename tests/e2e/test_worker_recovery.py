"""Scenario 5 (part): exactly once when the worker dies mid-fix (SIGKILL) or is stopped (SIGTERM).

A stopped worker finishes its fix within ``WORKER_SHUTDOWN_SECONDS`` or hands it back: the fix is
interrupted, left RUNNING without its lease, and the next worker runs it again to its end.

The worker sweeps every second and a fix's lease lasts 3 s, so a killed worker's fix is found
within seconds. Each test drives the seeded PassRole failure to an approved GRANT_PASSROLE, hurts
the worker while the request is RUNNING, starts a new worker, and checks the outcome: SUCCEEDED,
one inline policy, one restore job (a run records the restore it started at once, so the next run
follows it; a run killed before recording it passes the same IdempotencyToken again, which the AWS
stand-in honours as AWS does), one success message in the thread.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from bot import slack_ids
from bot.fixes.grant_passrole import POLICY_PREFIX, policy_name_for
from bot.worker.lease import lease_key
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot, start_bot, stop_bot
from tests.e2e.processes import eventually, pid_alive
from tests.e2e.slack import SlackDriver

pytestmark = pytest.mark.e2e

SWEEP_SECONDS = 1
LEASE_SECONDS = 3
#: what a fix gets after SIGTERM before it is handed back (production: 20 s)
SHUTDOWN_SECONDS = 10
#: the longest a killed worker's fix may take to end after a new worker starts: the lease
#: lapsing, a sweep, and the fix run again (no IAM settle pause, a restore followed to its end)
RECOVERY_BOUND_SECONDS = 30.0
START_RESTORE = "backup:StartRestoreJob"


@pytest.fixture(scope="module")
def bot(aws: Aws, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """This module's own bot: a fast sweep and a short lease, so recovery is quick to see."""
    extra = {
        "SWEEP_SECONDS": str(SWEEP_SECONDS),
        "FIX_LEASE_SECONDS": str(LEASE_SECONDS),
        "WORKER_SHUTDOWN_SECONDS": str(SHUTDOWN_SECONDS),
    }
    running = start_bot(aws, redis_url, tmp_path_factory.mktemp("recovery"), extra)
    yield running
    stop_bot(running)


@dataclass
class Approved:
    """A GRANT_PASSROLE fix just approved, and what AWS looked like before it."""

    failure: world.PassRoleFailure
    request_id: str
    bot_policies_before: set[str]
    start_restore_calls_before: int


def approve_grant(slack: SlackDriver, bot: Bot, aws: Aws) -> Approved:
    """Ask about the seeded failure, request the grant as REQUESTER, approve it as APPROVER."""
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    # the stand-in never applies a Condition, so it would fail the re-run: let it complete
    aws.standin.admin.script_restore_outcome(
        "COMPLETED", recovery_point_arn=failure.recovery_point_arn, times=None
    )
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button("request_fix", "GRANT_PASSROLE"))
    approval = slack.wait_post("Approval needed")
    approve = approval.button(slack_ids.ACTION_APPROVE)
    before = Approved(
        failure,
        approve.value.split("|")[1],
        bot_policies(aws),
        aws.standin.admin.calls().get(START_RESTORE, 0),
    )
    slack.click(APPROVER, approval, approve)
    return before


def bot_policies(aws: Aws) -> set[str]:
    return {name for name in world.inline_policies(aws.iam) if name.startswith(POLICY_PREFIX)}


def reruns(aws: Aws, failure: world.PassRoleFailure) -> list[dict[str, Any]]:
    """Restore jobs started from the failed job's recovery point (the seeded job excluded)."""
    return [
        job
        for job in aws.standin.admin.restore_jobs()
        if job["RecoveryPointArn"] == failure.recovery_point_arn
        and job["RestoreJobId"] != failure.job_id
    ]


def state(bot: Bot, request_id: str) -> str:
    raw = bot.redis.hget(bot.store.key(request_id), "state")
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def horse_pid(bot: Bot, request_id: str) -> int:
    """The work horse running the fix: its lease reads "<pid>:<run token>"."""
    raw = bot.redis.get(lease_key(bot.prefix, request_id))
    assert raw is not None, "the running fix holds no lease"
    return int(raw.split(b":", 1)[0])


def wait_policy_put(bot: Bot, aws: Aws, approved: Approved) -> int:
    """Wait for the IAM settle pause (RUNNING, policy put, no restore yet); the horse's pid."""
    name = policy_name_for(approved.request_id)
    eventually(
        lambda: state(bot, approved.request_id) == "RUNNING" and name in bot_policies(aws),
        timeout=30,
        what="the worker to put the policy",
    )
    assert reruns(aws, approved.failure) == []  # still in the pause before the restore
    return horse_pid(bot, approved.request_id)


def wait_restore_started(bot: Bot, aws: Aws, approved: Approved) -> int:
    """Wait until the fix started its restore and follows it (RUNNING); the horse's pid."""
    eventually(
        lambda: state(bot, approved.request_id) == "RUNNING" and reruns(aws, approved.failure),
        timeout=30,
        what="the worker to start the restore",
    )
    return horse_pid(bot, approved.request_id)


def sigkill_worker(bot: Bot, horse: int) -> float:
    """SIGKILL the worker and its work horse at once; when it happened (epoch seconds)."""
    killed_at = time.time()
    bot.worker.kill()
    eventually(lambda: not pid_alive(horse), timeout=5, what="the work horse to die")
    return killed_at


def wait_succeeded(bot: Bot, request_id: str, timeout: float) -> float:
    eventually(
        lambda: state(bot, request_id) in ("SUCCEEDED", "FAILED"),
        timeout=timeout,
        what=f"request {request_id} to end",
    )
    assert state(bot, request_id) == "SUCCEEDED"
    return time.time()


def requeued_at(bot: Bot, request_id: str) -> float:
    """When recovery handed the request back (epoch seconds, from the audit trail)."""
    (event,) = [
        e
        for e in bot.store.audit_events(request_id)
        if (e["from"], e["to"], e["actor"]) == ("RUNNING", "QUEUED", "recovery")
    ]
    return datetime.fromisoformat(event["at"]).timestamp()


def report(what: str, bot: Bot, request_id: str, killed_at: float, ended_at: float) -> None:
    requeued = requeued_at(bot, request_id) - killed_at
    print(f"RECOVERY {what}: requeued {requeued:.1f} s, SUCCEEDED {ended_at - killed_at:.1f} s")


def moves(bot: Bot, request_id: str) -> list[tuple[str, str, str]]:
    return [(e["from"], e["to"], e["actor"]) for e in bot.store.audit_events(request_id)]


def assert_applied_once(bot: Bot, aws: Aws, slack: SlackDriver, approved: Approved) -> None:
    """One policy added, one restore started (and reported), one success message."""
    assert bot_policies(aws) - approved.bot_policies_before == {
        policy_name_for(approved.request_id)
    }
    (rerun,) = reruns(aws, approved.failure)
    assert rerun["Status"] == "COMPLETED"
    assert bot.store.get(approved.request_id).restore_job_id == rerun["RestoreJobId"]
    slack.wait_post("Fix succeeded", timeout=10)
    assert len([p for p in slack.thread_posts() if "Fix succeeded" in p.text]) == 1


def test_a_worker_killed_in_the_iam_pause_is_recovered_and_the_fix_runs_once(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    approved = approve_grant(slack, bot, aws)
    horse = wait_policy_put(bot, aws, approved)

    killed_at = sigkill_worker(bot, horse)
    bot.restart_worker(kill=False)

    ended_at = wait_succeeded(bot, approved.request_id, RECOVERY_BOUND_SECONDS)
    assert ("RUNNING", "QUEUED", "recovery") in moves(bot, approved.request_id)
    report("after SIGKILL in the IAM pause", bot, approved.request_id, killed_at, ended_at)
    assert bot.store.get(approved.request_id).attempts == 1
    assert_applied_once(bot, aws, slack, approved)
    calls = aws.standin.admin.calls().get(START_RESTORE, 0)
    assert calls - approved.start_restore_calls_before == 1  # the killed run never got there


def test_a_worker_killed_while_following_the_restore_finds_the_same_restore_again(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    approved = approve_grant(slack, bot, aws)
    horse = wait_restore_started(bot, aws, approved)

    killed_at = sigkill_worker(bot, horse)
    bot.restart_worker(kill=False)

    ended_at = wait_succeeded(bot, approved.request_id, RECOVERY_BOUND_SECONDS)
    assert ("RUNNING", "QUEUED", "recovery") in moves(bot, approved.request_id)
    report("after SIGKILL while following", bot, approved.request_id, killed_at, ended_at)
    # the killed run recorded the restore it started; the next run followed that job and never
    # called StartRestoreJob (whose IdempotencyToken AWS keeps only about an hour)
    calls = aws.standin.admin.calls().get(START_RESTORE, 0)
    assert calls - approved.start_restore_calls_before == 1
    assert_applied_once(bot, aws, slack, approved)


def stop_worker(bot: Bot) -> float:
    """SIGTERM the worker as a deploy would (its whole process group); seconds until it exited."""
    stopped_at = time.monotonic()
    os.killpg(bot.worker.pid, signal.SIGTERM)
    eventually(lambda: not bot.worker.alive(), timeout=35, what="the worker to exit on SIGTERM")
    return time.monotonic() - stopped_at


def test_a_worker_stopped_mid_fix_finishes_it_within_the_shutdown_delay(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    approved = approve_grant(slack, bot, aws)
    wait_restore_started(bot, aws, approved)  # it ends in 1.5 s, seen at the next poll (5 s)

    took = stop_worker(bot)
    print(f"SIGTERM mid-fix: the worker finished the fix and exited in {took:.1f} s")

    assert state(bot, approved.request_id) == "SUCCEEDED"
    assert took < SHUTDOWN_SECONDS
    assert not bot.redis.exists(lease_key(bot.prefix, approved.request_id))
    assert_applied_once(bot, aws, slack, approved)
    bot.restart_worker()


def test_a_fix_still_running_after_the_shutdown_delay_is_handed_back_and_runs_once(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    aws.standin.admin.set_restore_timing(pending_seconds=0.5, running_seconds=25)
    try:
        approved = approve_grant(slack, bot, aws)
        wait_restore_started(bot, aws, approved)

        took = stop_worker(bot)
        print(f"SIGTERM mid-fix: the fix was interrupted and the worker exited in {took:.1f} s")
        assert SHUTDOWN_SECONDS - 1 <= took < SHUTDOWN_SECONDS + 10
        # handed back: still RUNNING, its lease released so the next sweep requeues it at once;
        # not FAILED, and nothing posted as if it had ended
        assert state(bot, approved.request_id) == "RUNNING"
        assert not bot.redis.exists(lease_key(bot.prefix, approved.request_id))
        assert not [p for p in slack.thread_posts() if "Fix failed" in p.text]

        bot.restart_worker()
        wait_succeeded(bot, approved.request_id, RECOVERY_BOUND_SECONDS + 25)
    finally:
        aws.standin.admin.set_restore_timing(pending_seconds=0.5, running_seconds=1.0)
    assert ("RUNNING", "QUEUED", "recovery") in moves(bot, approved.request_id)
    assert "FAILED" not in [to for _, to, _ in moves(bot, approved.request_id)]
    # the second run followed the restore the first one started, without starting another
    calls = aws.standin.admin.calls().get(START_RESTORE, 0)
    assert calls - approved.start_restore_calls_before == 1
    assert_applied_once(bot, aws, slack, approved)
