"""A Sentinel failover while one fix waits for approval and another runs in the worker.

The Procfile's web and worker reach Redis through a ``redis+sentinel://`` URL (Debian's
redis-server as master, replica and sentinel). The master is SIGKILLed while request A waits for
its approver and the worker is following request B's re-run. Nothing is lost (A is approved after
the failover and carried out; B finishes), nothing is done twice in AWS (one policy write and one
restore per request), and the web says 503 on ``/readyz`` during the gap, then 200 by itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot import slack_ids
from bot.fixes.grant_passrole import policy_name_for
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot, start_bot, stop_bot
from tests.e2e.processes import eventually
from tests.e2e.slack import Posted, SlackDriver
from tests.support.redis_servers import REDIS_SERVER, SentinelSet, start_sentinel_set

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def sentinels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SentinelSet]:
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"{REDIS_SERVER} is missing")
    found = start_sentinel_set(tmp_path_factory.mktemp("sentinel"))
    yield found
    found.stop()


@pytest.fixture(scope="module")
def bot(
    aws: Aws, sentinels: SentinelSet, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bot]:
    running = start_bot(aws, sentinels.url, tmp_path_factory.mktemp("failover"))
    yield running
    stop_bot(running)


def _approval_of(bot: Bot, failure: world.PassRoleFailure) -> tuple[SlackDriver, Posted]:
    """The failure asked about in a channel of its own, and the grant requested: its approval."""
    slack = SlackDriver(bot.events_url, bot.slack)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button(slack_ids.ACTION_REQUEST_FIX, "GRANT_PASSROLE"))
    return slack, slack.wait_post("Approval needed")


def _request_id(approval: Posted) -> str:
    return approval.button(slack_ids.ACTION_APPROVE).value.split("|")[1]


def _readyz(bot: Bot) -> int:
    try:
        return requests.get(f"http://127.0.0.1:{bot.port}/readyz", timeout=1).status_code
    except requests.RequestException:
        return 0


def test_a_failover_loses_no_request_and_repeats_no_aws_write(
    bot: Bot, aws: Aws, sentinels: SentinelSet
) -> None:
    waiting = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    running = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    waiting_slack, waiting_approval = _approval_of(bot, waiting)
    slack, running_approval = _approval_of(bot, running)
    aws.standin.admin.set_restore_timing(pending_seconds=2, running_seconds=8)
    try:
        before = aws.standin.admin.calls()
        slack.click(APPROVER, running_approval, running_approval.button(slack_ids.ACTION_APPROVE))
        running_id = _request_id(running_approval)
        eventually(lambda: bot.store.get(running_id).restore_job_id, 30, "B's re-run to start")
        master = sentinels.master.client()
        assert (
            master.wait(1, 5000) >= 1
        )  # the replica has every write so far (replication is async)

        killed = time.monotonic()
        sentinels.master.process.kill()
        statuses: list[tuple[float, int]] = []
        while time.monotonic() - killed < 60:
            status = _readyz(bot)
            statuses.append((time.monotonic() - killed, status))
            if status == 200 and any(s != 200 for _, s in statuses):
                break
            time.sleep(0.05)
        unready = [t for t, s in statuses if s != 200]
        assert unready, "the web never said it was unready"
        recovered = statuses[-1]
        assert recovered[1] == 200, statuses[-5:]
        gap = f"{unready[0]:.2f} s to {recovered[0]:.2f} s"
        print(f"failover: /readyz unready from {gap} after the kill")

        # B, in the worker during the failover, finishes; A, waiting for approval, is still there
        outcome = eventually(
            lambda: [p for p in slack.thread_posts() if "Fix succeeded" in p.text + p.mrkdwn()],
            90,
            "B's outcome",
        )
        assert outcome[0].thread_ts == running_approval.thread_ts
        waiting_id = _request_id(waiting_approval)
        assert bot.store.get(waiting_id).state == "FIX_REQUESTED"
        waiting_slack.click(
            APPROVER, waiting_approval, waiting_approval.button(slack_ids.ACTION_APPROVE)
        )
        eventually(lambda: bot.store.get(waiting_id).state == "SUCCEEDED", 90, "A to succeed")
        assert bot.store.get(running_id).state == "SUCCEEDED"

        after = aws.standin.admin.calls()
        writes = {
            op: after.get(op, 0) - before.get(op, 0)
            for op in ("iam:PutRolePolicy", "backup:StartRestoreJob")
        }
        assert writes == {"iam:PutRolePolicy": 2, "backup:StartRestoreJob": 2}  # one each, A and B
        for failure, request_id in ((waiting, waiting_id), (running, running_id)):
            assert policy_name_for(request_id) in world.inline_policies(aws.iam)
            reruns = [
                j
                for j in aws.standin.admin.restore_jobs()
                if j["RecoveryPointArn"] == failure.recovery_point_arn
                and j["RestoreJobId"] != failure.job_id
            ]
            assert [j["Status"] for j in reruns] == ["COMPLETED"]
    finally:  # the stand-in serves the whole session: give later tests its default
        aws.standin.admin.set_restore_timing(pending_seconds=0.5, running_seconds=1.0)
