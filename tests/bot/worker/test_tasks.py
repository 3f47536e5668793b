"""bot/worker/tasks.py on the real test Redis and a real rq queue: recovery, attempts, re-checks.

Slack is the local stand-in; the one thing faked is the fix role's session, which raises the
transient AWS error a throttled ``sts:AssumeRole`` does (``AwsThrottled``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import redis
from rq import Queue
from rq.job import Job as RqJob
from rq.job import JobStatus
from slack_sdk import WebClient

from bot.approvals import ApprovalPolicy, UserInfo
from bot.config import AccountConfig, BotConfig
from bot.conversation import Conversation
from bot.errors import AwsThrottled
from bot.fixes import Fix, FixOutcome, FixRun, PlanInputs, plan_fix, register
from bot.models import FixPlan, Remedy
from bot.replies import Replies
from bot.state import Request, RequestMoved, RequestStore, approve, request_fix
from bot.state.request import TRANSITIONS
from bot.wiring import build_read_side
from bot.worker import tasks as jobs
from bot.worker.lease import hold_lease, lease_key
from bot.worker.queues import fix_queue
from bot.worker.recovery import recover_orphans
from bot.worker.tasks import (
    ATTEMPT_DELAYS,
    WorkerContext,
    enqueue_fix,
    job_id_for,
    run_fix,
)
from tests.bot.fixes.factories import ACCOUNT, REGION, account_config, diagnosis, grant_plan
from tests.support.slack_standin import SlackStandin

ASKER = "U_ASKER"
APPROVER = "U_BOSS"
CHANNEL = "C0JOBS"
THREAD = "1700000000.000100"
#: a running fix's lease; an rq job started longer ago than this without one is abandoned
LEASE_SECONDS = 30


class Directory:
    """A user directory held in memory: every user is an active member unless changed."""

    def __init__(self) -> None:
        self.users: dict[str, UserInfo] = {}

    def user(self, user_id: str) -> UserInfo | None:
        return self.users.get(user_id, UserInfo(id=user_id))

    def group_members(self, group_id: str) -> set[str]:
        return set()


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    standin = SlackStandin().start()
    yield standin
    standin.stop()


@pytest.fixture
def directory() -> Directory:
    return Directory()


@pytest.fixture
def store(redis_client: redis.Redis, redis_prefix: str) -> RequestStore:
    return RequestStore(redis_client, redis_prefix, ttl_seconds=3600, approval_timeout_seconds=3600)


@pytest.fixture
def queue(redis_client: redis.Redis, redis_prefix: str) -> Iterator[Queue]:
    """The prefix's fix queue; its jobs and registries are removed afterwards."""
    fixes = fix_queue(redis_client, redis_prefix)
    yield fixes
    rq_keys = list(redis_client.scan_iter(match=f"rq:*{redis_prefix}*", count=500))
    job_ids = {str(job_id) for job_id in fixes.job_ids}
    for registry in (fixes.scheduled_job_registry, fixes.failed_job_registry):
        job_ids |= set(registry.get_job_ids())
    job_keys = [f"rq:job:{job_id}" for job_id in job_ids]
    if rq_keys or job_keys:
        redis_client.delete(*rq_keys, *job_keys)


@pytest.fixture
def ctx(
    redis_client: redis.Redis,
    redis_prefix: str,
    store: RequestStore,
    slack: SlackStandin,
    directory: Directory,
    monkeypatch: pytest.MonkeyPatch,
) -> WorkerContext:
    """A worker context of real pieces, installed for ``run_fix`` for this test only."""
    account = account_config(approvers=[APPROVER])
    config = BotConfig(accounts=[account])
    replies = Replies(WebClient(token="xoxb-test", base_url=slack.url))
    pipeline = build_read_side(config, redis_client, redis_prefix).pipeline
    context = WorkerContext(
        config=config,
        store=store,
        policy=ApprovalPolicy(config.accounts, directory),
        replies=replies,
        conversation=Conversation(pipeline, store, replies, lambda account_id: account_id),
        rq_redis=redis_client,
        prefix=redis_prefix,
        lease_seconds=LEASE_SECONDS,
    )
    monkeypatch.setattr(jobs, "_context", context)
    return context


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Assuming the fix role is throttled; the request ids it was tried for."""
    tried: list[str] = []

    def throttled(account: AccountConfig, request_id: str, approver: str | None) -> boto3.Session:
        tried.append(request_id)
        raise AwsThrottled(
            "AWS is throttling requests; try again in a minute (while trying to assume the role).",
            "Try again in a minute.",
        )

    monkeypatch.setattr(jobs, "fix_session", throttled)
    return tried


def approved(store: RequestStore) -> Request:
    """A GRANT_PASSROLE request asked for by ASKER and approved by APPROVER."""
    request = store.create(diagnosis(), CHANNEL, THREAD, ASKER, ACCOUNT, REGION)
    request_fix(store, request.id, ASKER, grant_plan(request.id), "grant-passrole")
    return approve(store, lambda request, approver: None, request.id, APPROVER)


def running(store: RequestStore, queue: Queue) -> Request:
    """A request whose worker took it (QUEUED -> RUNNING), its rq job gone with the worker."""
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    take_all(queue)
    return store.transition(queued.id, ["QUEUED"], "RUNNING", "worker")


def take_all(queue: Queue) -> None:
    """A worker takes every queued job off the queue."""
    for job_id in queue.job_ids:
        queue.remove(job_id)


def requeue_after_failure(store: RequestStore, request: Request, times: int) -> Request:
    """Bring a RUNNING request through ``times`` worker hand-backs (attempts + times), RUNNING."""
    for _ in range(times):
        store.transition(request.id, ["RUNNING"], "QUEUED", "recovery")
        request = store.transition(request.id, ["QUEUED"], "RUNNING", "worker")
    return request


def queued_for_run(store: RequestStore, request: Request) -> Request:
    """Hand a RUNNING request back to QUEUED (attempts + 1), as the worker would."""
    return store.transition(request.id, ["RUNNING"], "QUEUED", "recovery")


def queued_ids(queue: Queue) -> list[str]:
    return [str(job_id) for job_id in queue.job_ids]


def moves(store: RequestStore, request_id: str) -> list[tuple[str, str, str]]:
    return [(e["from"], e["to"], e["actor"]) for e in store.audit_events(request_id)]


def thread_posts(slack: SlackStandin) -> list[dict[str, Any]]:
    return [
        call.args
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("channel") == CHANNEL and call.args.get("thread_ts") == THREAD
    ]


def action_ids(post: dict[str, Any]) -> list[str]:
    blocks = post.get("blocks") or []
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [
        element["action_id"]
        for block in parsed
        for element in block.get("elements") or []
        if "action_id" in element
    ]


# -- recover_orphans ---------------------------------------------------------------------------


def test_a_running_request_without_a_lease_is_requeued_as_a_new_attempt(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    request = running(store, queue)

    requeued = recover_orphans(ctx, queue)

    now = store.get(request.id)
    assert requeued == 1
    assert (now.state, now.attempts) == ("QUEUED", 1)
    assert queued_ids(queue) == [job_id_for(now)] == [f"fix-{request.id}-0-1"]
    assert moves(store, request.id)[-1] == ("RUNNING", "QUEUED", "recovery")


def test_a_running_request_with_a_live_lease_is_left_alone(
    ctx: WorkerContext, store: RequestStore, queue: Queue, redis_client: redis.Redis
) -> None:
    request = running(store, queue)
    redis_client.set(lease_key(ctx.prefix, request.id), "4242", ex=LEASE_SECONDS)

    requeued = recover_orphans(ctx, queue)

    assert requeued == 0
    assert store.get(request.id).state == "RUNNING"
    assert queued_ids(queue) == []


def test_a_queued_request_whose_job_waits_in_the_queue_is_left_alone(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)

    requeued = recover_orphans(ctx, queue)

    assert requeued == 0
    assert store.get(queued.id).state == "QUEUED"
    assert queued_ids(queue) == [job_id_for(queued)]


def test_an_approved_request_with_no_job_is_queued_once(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    request = approved(store)  # the web died between the approval and the enqueue

    requeued = recover_orphans(ctx, queue)

    now = store.get(request.id)
    assert requeued == 1
    assert now.state == "QUEUED"
    assert queued_ids(queue) == [f"fix-{request.id}-0-0"]
    assert moves(store, request.id)[-1] == ("APPROVED", "QUEUED", "recovery")


def test_recovering_the_same_orphan_twice_enqueues_one_job(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    request = running(store, queue)
    recover_orphans(ctx, queue)

    again = recover_orphans(ctx, queue)  # a second worker's sweep, or the next one

    assert again == 0
    assert queued_ids(queue) == [f"fix-{request.id}-0-1"]
    assert store.get(request.id).attempts == 1


def test_a_queued_request_whose_worker_died_before_taking_the_lease_is_requeued(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    job = RqJob.fetch(job_id_for(queued), connection=queue.connection)
    queue.remove(job)  # a worker took it, started it, and was killed before run_fix's lease
    job.started_at = datetime.now(UTC) - timedelta(seconds=LEASE_SECONDS * 2)
    job.save()
    job.set_status(JobStatus.STARTED)

    requeued = recover_orphans(ctx, queue)

    assert requeued == 1
    assert store.get(queued.id).state == "QUEUED"
    assert queued_ids(queue) == [job_id_for(queued)]


def test_a_queued_request_whose_job_failed_is_requeued(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    job = RqJob.fetch(job_id_for(queued), connection=queue.connection)
    queue.remove(job)  # run_fix raised before it moved the request (Redis blinked, say)
    queue.failed_job_registry.add(job, ttl=3600, exc_string="ConnectionError")
    job.set_status(JobStatus.FAILED)

    requeued = recover_orphans(ctx, queue)

    assert requeued == 1
    assert queued_ids(queue) == [job_id_for(queued)]


# -- run_fix and its attempts --------------------------------------------------------------------


def test_a_transient_error_schedules_the_next_attempt_as_a_new_delayed_job(
    ctx: WorkerContext, store: RequestStore, queue: Queue, sessions: list[str]
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    take_all(queue)  # this test is the worker that took it

    outcome = run_fix(queued.id)

    now = store.get(queued.id)
    scheduled = queue.scheduled_job_registry
    assert outcome == "QUEUED"
    assert (now.state, now.attempts) == ("QUEUED", 1)
    assert now.result is not None
    assert "throttling" in now.result
    assert scheduled.get_job_ids() == [f"fix-{queued.id}-0-1"]
    due = scheduled.get_scheduled_time(f"fix-{queued.id}-0-1")
    delay = (due - datetime.now(UTC)).total_seconds()
    assert ATTEMPT_DELAYS[0] - 5 < delay <= ATTEMPT_DELAYS[0]
    assert queued_ids(queue) == []  # not before the pause
    assert [m[1] for m in moves(store, queued.id)][-2:] == ["RUNNING", "QUEUED"]


def test_the_lease_is_released_when_an_attempt_ends(
    ctx: WorkerContext,
    store: RequestStore,
    queue: Queue,
    sessions: list[str],
    redis_client: redis.Redis,
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)

    run_fix(queued.id)

    assert sessions == [queued.id]
    assert not redis_client.exists(lease_key(ctx.prefix, queued.id))


def test_after_the_last_attempt_the_request_fails_with_a_retry_button(
    ctx: WorkerContext,
    store: RequestStore,
    queue: Queue,
    sessions: list[str],
    slack: SlackStandin,
) -> None:
    last = requeue_after_failure(store, running(store, queue), len(ATTEMPT_DELAYS) - 1)
    queued = queued_for_run(store, last)
    assert queued.attempts == len(ATTEMPT_DELAYS)

    outcome = run_fix(queued.id)

    now = store.get(queued.id)
    assert outcome == "FAILED"
    assert now.state == "FAILED"
    assert now.result is not None
    assert "gave up after retries" in now.result
    assert "QUEUED" in TRANSITIONS["FAILED"]  # a retry click can take it again
    assert queue.scheduled_job_registry.get_job_ids() == []
    (post,) = thread_posts(slack)
    assert post["text"].startswith("Fix failed")
    assert any(a.startswith("retry_fix") for a in action_ids(post))


def test_run_fix_refuses_a_request_that_is_not_queued(
    ctx: WorkerContext, store: RequestStore, queue: Queue, sessions: list[str]
) -> None:
    request = running(store, queue)  # another worker is on it
    before = moves(store, request.id)

    outcome = run_fix(request.id)

    assert outcome == "RUNNING"
    assert store.get(request.id).state == "RUNNING"
    assert moves(store, request.id) == before
    assert sessions == []


def test_run_fix_rechecks_the_approval_and_fails_a_deactivated_approver(
    ctx: WorkerContext,
    store: RequestStore,
    queue: Queue,
    sessions: list[str],
    directory: Directory,
    slack: SlackStandin,
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    directory.users[APPROVER] = UserInfo(id=APPROVER, deleted=True)  # left after approving

    outcome = run_fix(queued.id)

    now = store.get(queued.id)
    assert outcome == "FAILED"
    assert now.result is not None
    assert now.result.startswith("The approval is no longer valid")
    assert "RUNNING" not in [m[1] for m in moves(store, queued.id)]
    assert sessions == []  # the fix role was never assumed
    (post,) = thread_posts(slack)
    assert not any(a.startswith("retry_fix") for a in action_ids(post))


# -- enqueue_fix -------------------------------------------------------------------------------


def test_enqueuing_the_same_approval_twice_queues_one_job(
    store: RequestStore, queue: Queue
) -> None:
    request = approved(store)
    enqueue_fix(store, queue, request, APPROVER)

    with pytest.raises(RequestMoved):
        enqueue_fix(store, queue, request, APPROVER)  # a second click, a Slack retry

    assert queued_ids(queue) == [f"fix-{request.id}-0-0"]
    assert store.get(request.id).state == "QUEUED"


def test_a_retry_after_a_failure_is_a_new_job_id(store: RequestStore, queue: Queue) -> None:
    first = enqueue_fix(store, queue, approved(store), APPROVER)
    take_all(queue)
    store.transition(first.id, ["QUEUED"], "RUNNING", "worker")
    failed = store.transition(first.id, ["RUNNING"], "FAILED", "worker")

    retried = enqueue_fix(store, queue, failed, "U_RETRIER")

    assert retried.retries == 1
    assert queued_ids(queue) == [f"fix-{first.id}-1-0"]


def test_a_run_that_lost_its_lease_does_not_release_the_new_one(
    ctx: jobs.WorkerContext, redis_client: redis.Redis
) -> None:
    key = lease_key(ctx.prefix, "req-lost")
    with hold_lease(redis_client, ctx.prefix, "req-lost", ctx.lease_seconds):
        assert redis_client.exists(key)
        redis_client.set(key, "another-run", ex=60)  # recovery started another run meanwhile
    assert redis_client.get(key) == b"another-run"


def test_a_fix_registered_only_in_this_test_runs_through_approval_and_the_worker(
    ctx: WorkerContext, store: RequestStore, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new fix is its module and its catalogue entry: nothing else in the bot names it."""
    applied: list[tuple[str, int]] = []

    def plan(inputs: PlanInputs) -> FixPlan:
        return FixPlan(fix="WRITE_NOTE", account_id=ACCOUNT, region=REGION, summary="A note.")

    def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
        applied.append((run.request_id, run.run))
        return FixOutcome(fix=plan.fix, summary="Note written.")

    note = Fix(
        "WRITE_NOTE", "Write a note", "RESTORE_RERUN", False, "starting_restore", plan, apply
    )
    remedy = Remedy(
        id="NOTE", title="Note it", description="", changes_iam=False, automatic=True, fix=note.id
    )
    monkeypatch.setattr(jobs, "fix_session", lambda *_: boto3.Session(region_name=REGION))
    with register(note):
        request = store.create(diagnosis(), CHANNEL, THREAD, ASKER, ACCOUNT, REGION)
        planned = plan_fix(PlanInputs(request.diagnosis, request.id, iam=None, remedy=remedy))  # type: ignore[arg-type]
        request_fix(store, request.id, ASKER, planned, remedy.id)
        approved_now = approve(store, ctx.policy.check, request.id, APPROVER)
        queued = enqueue_fix(store, queue, approved_now, APPROVER)

        assert run_fix(queued.id) == "SUCCEEDED"

    assert applied == [(request.id, 0)]
    assert store.get(request.id).result == "Note written."


def test_a_job_left_under_the_old_task_name_is_run_again_under_the_new_one(
    ctx: WorkerContext, store: RequestStore, queue: Queue
) -> None:
    """A fix queued before the rq tasks moved to bot.worker.tasks is not lost in an upgrade.

    The new worker refuses the old name (it is no longer a bot task) and fails the job; the sweep
    then replaces that failed job with one naming the task where it lives now.
    """
    request = approved(store)
    queued = store.transition(request.id, ["APPROVED"], "QUEUED", APPROVER)
    old = queue.enqueue("bot.jobs.run_fix", queued.id, job_id=job_id_for(queued))
    old.set_status(JobStatus.FAILED)

    requeued = recover_orphans(ctx, queue)

    assert requeued == 1
    assert queued_ids(queue) == [job_id_for(queued)]
    job = RqJob.fetch(job_id_for(queued), connection=queue.connection, serializer=queue.serializer)
    assert job.func_name == "bot.worker.tasks.run_fix"


def test_a_stored_plan_that_is_not_the_approved_one_is_applied_nowhere(
    ctx: WorkerContext,
    store: RequestStore,
    queue: Queue,
    sessions: list[str],
    redis_client: redis.Redis,
    slack: SlackStandin,
) -> None:
    queued = enqueue_fix(store, queue, approved(store), APPROVER)
    assert queued.approved_plan_sha256
    assert queued.plan is not None
    wider = queued.plan.model_copy(update={"policy": {"Version": "2012-10-17", "Statement": []}})
    redis_client.hset(store.key(queued.id), "plan", wider.model_dump_json())  # changed after

    outcome = run_fix(queued.id)

    assert outcome == "FAILED"
    assert "not the one that was approved" in (store.get(queued.id).result or "")
    assert sessions == []  # the fix role was never assumed
    (post,) = thread_posts(slack)
    assert not any(a.startswith("retry_fix") for a in action_ids(post))


def test_the_approval_event_carries_the_plan_hash(store: RequestStore) -> None:
    from bot.audit import plan_sha256

    request = approved(store)
    assert request.plan is not None
    [event] = [e for e in store.audit_events(request.id) if e["to"] == "APPROVED"]
    assert (
        event["approved_plan_sha256"] == plan_sha256(request.plan) == request.approved_plan_sha256
    )
    [asked] = [e for e in store.audit_events(request.id) if e["to"] == "FIX_REQUESTED"]
    assert asked["plan_sha256"] == request.approved_plan_sha256
