"""rq jobs: a job names a request id, never an API call; the worker re-reads and re-checks it.

``run_fix``: QUEUED -> RUNNING -> apply the catalogue fix with the fix role (fresh session per fix,
approver as SourceIdentity) -> follow the restore -> SUCCEEDED | FAILED, posting progress and the
outcome in the request's thread. Transient AWS errors hand the request back to the queue; a killed
worker's requests are found and requeued by ``bot.worker.recovery`` (fixes are idempotent).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import redis
from rq import Queue
from rq.exceptions import DuplicateJobError, ShutDownImminentException

from bot import blocks
from bot.approvals import ApprovalPolicy
from bot.audit import plan_sha256
from bot.aws.backup import RestoreStatus
from bot.aws.iam import inline_policies
from bot.aws.sessions import ReadSessions, fix_session
from bot.blocks.progress import progress_line
from bot.config import BotConfig
from bot.conversation import Conversation
from bot.errors import BackupDoctorError, PlanDrifted
from bot.fixes import FixOutcome, FixRun, apply_fix, fix_for, follow_restore
from bot.fixes.drift import inline_policy_drift
from bot.fixes.policies import parse_role_arn
from bot.observability.metrics import FIXES
from bot.replies import Origin, Replies
from bot.state import Request, RequestStore
from bot.worker.lease import hold_lease
from bot.worker.queues import fix_queue, fix_queue_name

logger = logging.getLogger(__name__)

#: the longest a worker follows a re-run restore before reporting it still running
FOLLOW_RESTORE_SECONDS = 45 * 60
#: rq kills a job running longer than this (must exceed the follow time)
JOB_TIMEOUT_SECONDS = FOLLOW_RESTORE_SECONDS + 10 * 60
#: pauses before each new attempt after a transient failure (throttling, network); then FAILED
ATTEMPT_DELAYS = (10, 30, 60)


def queue_name(prefix: str) -> str:
    """The rq queue of fixes (see ``bot.worker.queues``)."""
    return fix_queue_name(prefix)


@dataclass
class WorkerContext:
    """What jobs use, built once in the worker before it forks."""

    config: BotConfig
    store: RequestStore
    policy: ApprovalPolicy
    replies: Replies
    conversation: Conversation
    rq_redis: redis.Redis
    prefix: str
    #: a running fix renews its lease this often / 3; a lapsed lease means its worker died
    lease_seconds: int = 30
    #: the read roles' sessions: the worker re-reads a role before changing it (drift)
    sessions: ReadSessions | None = None

    def request_keys(self) -> list[bytes]:
        """Every stored request's key (requests expire, so this stays small)."""
        return list(self.rq_redis.scan_iter(match=f"{self.prefix}:req:*", count=500))


_context: WorkerContext | None = None


def install(context: WorkerContext) -> None:
    """Make ``context`` the one jobs use (the worker calls it before working)."""
    global _context
    _context = context


def _current() -> WorkerContext:
    if _context is None:
        raise RuntimeError("run_fix runs only inside `python -m bot worker`")
    return _context


def job_id_for(request: Request) -> str:
    """One rq job per request attempt: a duplicate enqueue of the same attempt is refused."""
    return f"fix-{request.id}-{request.retries}-{request.attempts}"


def enqueue_fix(store: RequestStore, queue: Queue, request: Request, actor: str) -> Request:
    """Move an approved (or failed, for a retry) request to QUEUED and enqueue it exactly once."""
    queued = store.transition(request.id, [request.state], "QUEUED", actor)  # FAILED: retries+1
    try:
        enqueue_job(queue, queued)
    except DuplicateJobError:
        logger.info("fix for request %s is already queued", queued.id)
    return queued


def enqueue_job(queue: Queue, request: Request) -> None:
    """One rq job for this attempt of the request (``unique``: a second enqueue is refused)."""
    queue.enqueue(
        run_fix,
        request.id,
        job_id=job_id_for(request),
        unique=True,
        job_timeout=JOB_TIMEOUT_SECONDS,
        failure_ttl=7 * 24 * 3600,
        result_ttl=24 * 3600,
    )


def run_fix(request_id: str) -> str:
    """Carry out one approved fix; returns the final state."""
    ctx = _current()
    request = ctx.store.get(request_id)
    if request.state != "QUEUED" or request.plan is None:
        logger.warning("refusing request %s in state %s", request_id, request.state)
        return request.state
    try:
        ctx.policy.check(request, request.approver or "")
    except BackupDoctorError as exc:
        return _fail(ctx, request, f"The approval is no longer valid: {exc.user_message}", False)
    if request.approved_plan_sha256 and plan_sha256(request.plan) != request.approved_plan_sha256:
        logger.error("request %s: its stored plan is not the approved one", request_id)
        return _fail(
            ctx,
            request,
            "The stored plan is not the one that was approved, so nothing was changed. "
            "Ask for the fix again from a fresh diagnosis.",
            False,
        )
    with hold_lease(ctx.rq_redis, ctx.prefix, request_id, ctx.lease_seconds):
        request = ctx.store.transition(request_id, ["QUEUED"], "RUNNING", "worker")
        try:
            outcome = _apply(ctx, request)
        except PlanDrifted as exc:
            _fail(ctx, request, exc.user_message, False)
            _plan_again(ctx, request)
            return "FAILED"
        except BackupDoctorError as exc:
            if exc.transient:
                return _attempt_again(ctx, request, exc)
            return _fail(ctx, request, exc.user_message, True)
        return _finish(ctx, request, outcome)


def _attempt_again(ctx: WorkerContext, request: Request, error: BackupDoctorError) -> str:
    """Hand a transiently failed fix back to the queue after a pause, or give up and say so."""
    if request.attempts >= len(ATTEMPT_DELAYS):
        return _fail(ctx, request, f"{error.user_message} (gave up after retries)", True)
    queued = ctx.store.transition(
        request.id, ["RUNNING"], "QUEUED", "worker", {"result": error.user_message}
    )  # attempts + 1: the next attempt is a new rq job
    queue = fix_queue(ctx.rq_redis, ctx.prefix)
    queue.enqueue_in(
        timedelta(seconds=ATTEMPT_DELAYS[request.attempts]),
        run_fix,
        queued.id,
        job_id=job_id_for(queued),
        job_timeout=JOB_TIMEOUT_SECONDS,
    )
    logger.warning(
        "fix %s hit a transient error, attempt %d queued: %s",
        request.id,
        queued.attempts + 1,
        error.user_message,
    )
    return "QUEUED"


@dataclass(frozen=True)
class _Applied:
    """What one run did: the fix's outcome, and how its re-run (and the burst's) ended."""

    outcome: FixOutcome
    status: RestoreStatus | None = None
    more: tuple[RestoreStatus, ...] = ()


def _apply(ctx: WorkerContext, request: Request) -> _Applied:
    assert request.plan is not None
    account = ctx.config.account(request.account_id)
    if account is None:
        raise BackupDoctorError(f"Account {request.account_id} is no longer configured.")
    session = fix_session(account, request.id, request.approver)
    run = FixRun(request.id, session, account, run=request.retries)
    if request.restore_job_id and request.restore_run == request.retries:
        # this run already started its restore, and its worker died or was stopped while following
        # it: follow that job (any policy went in before it started), never start another, even
        # after StartRestoreJob's IdempotencyToken (kept about an hour) has lapsed
        job_id = request.restore_job_id
        outcome = FixOutcome(
            fix=request.plan.fix,
            summary=f"Restore job {job_id} (started earlier) followed to its end.",
            restore_job_id=job_id,
            more_restore_job_ids=request.more_restore_job_ids,
        )
        logger.info("fix %s resumes following restore %s", request.id, job_id)
    else:
        drift = _drift(ctx, request, account)
        if drift is not None:
            raise PlanDrifted(
                drift, "Ask for the fix again: its plan is made on what is there now."
            )
        _progress(ctx, request, fix_for(request.plan.fix).first_stage)
        outcome = apply_fix(request.plan, run)
        if outcome.restore_job_id is None:
            return _Applied(outcome)
        job_id = outcome.restore_job_id
        ctx.store.record_restore(request.id, job_id, request.retries)
        if outcome.more_restore_job_ids:
            ctx.store.record_more_restores(request.id, outcome.more_restore_job_ids)
    _progress(ctx, request, "restore_running", job_id)
    backup = session.client("backup", region_name=request.plan.region)
    deadline = time.monotonic() + FOLLOW_RESTORE_SECONDS
    status = follow_restore(backup, job_id, _log_progress, FOLLOW_RESTORE_SECONDS, account=account)
    more = tuple(
        _follow_more(backup, other, deadline, account) for other in outcome.more_restore_job_ids
    )
    return _Applied(outcome, status, more)


def _drift(ctx: WorkerContext, request: Request, account: Any) -> str | None:
    """What changed on the plan's role since it was planned (read with the read role)."""
    plan = request.plan
    assert plan is not None
    if plan.inline_policies_after is None or not plan.role_arn or ctx.sessions is None:
        return None
    _, role_name = parse_role_arn(plan.role_arn)
    iam = ctx.sessions.client(account.id, "iam", plan.region)
    return inline_policy_drift(plan, inline_policies(iam, role_name, account=account))


def _log_progress(status: RestoreStatus) -> None:
    logger.info("restore %s: %s %s%%", status.job_id, status.status, status.percent_done)


def _follow_more(backup: Any, job_id: str, deadline: float, account: Any) -> RestoreStatus:
    """Follow one of a burst's other re-runs within what is left of the follow time; an AWS
    error reading it is reported with it, never fails the fix (its restore has started)."""
    try:
        left = max(0.0, deadline - time.monotonic())
        return follow_restore(backup, job_id, _log_progress, left, account=account)
    except BackupDoctorError as exc:
        logger.warning("could not follow restore %s: %s", job_id, exc.user_message)
        return RestoreStatus(job_id, "UNKNOWN", exc.user_message, timed_out=True)


def _finish(ctx: WorkerContext, request: Request, result: _Applied) -> str:
    outcome, status = result.outcome, result.status
    others = more_restores_line(result.more)
    fields: dict[str, Any] = {"restore_job_id": outcome.restore_job_id, "result": outcome.summary}
    if status is not None and status.status != "COMPLETED":
        message = status.status_message or f"The restore ended as {status.status}."
        message = f"{message} {others}".strip()
        ctx.store.transition(
            request.id, ["RUNNING"], "FAILED", "worker", {**fields, "result": message}
        )
        _post_outcome(ctx, request, "FAILED", message, retryable=True)
        FIXES.labels(fix=request.fix or "", outcome="failed").inc()
        _diagnose_again(ctx, request, message)
        return "FAILED"
    done = ctx.store.transition(request.id, ["RUNNING"], "SUCCEEDED", "worker", fields)
    if fix_for(outcome.fix).undoes_request and request.grant_request_id:
        ctx.store.transition(request.grant_request_id, ["SUCCEEDED"], "REVERTED", "worker")
        _post_outcome(ctx, done, "REVERTED", outcome.summary)
        FIXES.labels(fix=outcome.fix, outcome="reverted").inc()
        return "SUCCEEDED"
    created = status.created_resource_arn if status else None
    _post_outcome(ctx, done, "SUCCEEDED", f"{created or outcome.summary} {others}".strip())
    FIXES.labels(fix=request.fix or "", outcome="succeeded").inc()
    return "SUCCEEDED"


def more_restores_line(statuses: tuple[RestoreStatus, ...]) -> str:
    """How the re-runs of a burst's other jobs ended, in one sentence ("" when there were none)."""
    if not statuses:
        return ""
    done = [s for s in statuses if s.status == "COMPLETED"]
    running = [s for s in statuses if s.timed_out or not s.finished]
    failed = [s for s in statuses if s not in done and s not in running]
    parts = [f"{len(done)} completed"]
    if failed:
        parts.append(f"{len(failed)} ended otherwise ({', '.join(s.job_id for s in failed)})")
    if running:
        parts.append(f"{len(running)} still running ({', '.join(s.job_id for s in running)})")
    return f"The {len(statuses)} other re-run restores: {'; '.join(parts)}."


def _fail(ctx: WorkerContext, request: Request, reason: str, retryable: bool) -> str:
    ctx.store.transition(request.id, [request.state], "FAILED", "worker", {"result": reason})
    _post_outcome(ctx, request, "FAILED", reason, retryable=retryable)
    FIXES.labels(fix=request.fix or "", outcome="failed").inc()
    return "FAILED"


def _progress(ctx: WorkerContext, request: Request, stage: Any, job_id: str | None = None) -> None:
    card = blocks.progress_card(stage, request_id=request.id, job_id=job_id)
    _post(ctx, request, card, progress_line(stage, job_id, None))


def _post_outcome(
    ctx: WorkerContext, request: Request, outcome: Any, reason: str, retryable: bool = False
) -> None:
    assert request.plan is not None
    card = blocks.outcome_card(
        request.plan,
        outcome,
        request_id=request.id,
        reason=reason,
        retryable=retryable,
        revertible=fix_for(request.plan.fix).revert_with is not None,
    )
    _post(ctx, request, card, f"Fix {outcome.lower()}: {reason}")


def _post(ctx: WorkerContext, request: Request, card: list[Any], fallback: str) -> None:
    if not request.channel_id or not request.thread_ts:
        return
    try:
        ctx.replies.in_thread(request.channel_id, request.thread_ts, blocks=card, text=fallback)
    except ShutDownImminentException:
        raise  # the worker's shutdown delay is over: hand the fix back, don't swallow it
    except Exception:
        # the fix itself must not fail because Slack is down: the audit trail has the outcome
        logger.exception("could not post to Slack for request %s", request.id)


def _plan_again(ctx: WorkerContext, request: Request) -> None:
    """Offer the diagnosis again in the thread: a new request whose fix is planned afresh."""
    origin = Origin(
        user_id=request.fix_requested_by or request.requester,
        channel_id=request.channel_id,
        thread_ts=request.thread_ts,
    )
    try:
        ctx.conversation.post_diagnosis(request.diagnosis, origin)
    except ShutDownImminentException:
        raise
    except Exception:
        logger.exception("could not offer request %s's diagnosis again", request.id)


def _diagnose_again(ctx: WorkerContext, request: Request, status_message: str) -> None:
    """If the re-run failed too, explain that failure in the same thread."""
    origin = Origin(
        user_id=request.fix_requested_by or request.requester,
        channel_id=request.channel_id,
        thread_ts=request.thread_ts,
    )
    try:
        ctx.conversation.explain(status_message, origin, request.account_id, request.region)
    except ShutDownImminentException:
        raise
    except Exception:
        logger.exception("could not diagnose the failed re-run of request %s", request.id)
