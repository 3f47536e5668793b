"""Finding fixes orphaned by a dead worker and handing them back to the queue.

Safe because every fix is idempotent: the same inline policy name, the same restore token.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job as RqJob
from rq.job import JobStatus

from bot.errors import BackupDoctorError
from bot.state import Request
from bot.state.redis_errors import text
from bot.worker.lease import lease_key
from bot.worker.tasks import WorkerContext, enqueue_fix, enqueue_job, job_id_for

logger = logging.getLogger(__name__)

#: states in which a request should have a live rq job or lease
ACTIVE_STATES = ("APPROVED", "QUEUED", "RUNNING")


def recover_orphans(ctx: WorkerContext, queue: Queue) -> int:
    """Requeue requests whose worker died (RUNNING/QUEUED/APPROVED with no live rq job).

    Safe because every fix is idempotent: the same inline policy name, the same restore token.
    """
    requeued = 0
    for key in ctx.request_keys():
        raw_state = ctx.rq_redis.hget(key, "state")
        if raw_state is None or text(raw_state) not in ACTIVE_STATES:
            continue
        request = ctx.store.get(text(key).rsplit(":", 1)[-1])
        if _still_alive(ctx, queue, request):
            continue
        logger.warning("request %s was orphaned in %s: requeuing it", request.id, request.state)
        try:
            if request.state == "RUNNING":
                request = ctx.store.transition(request.id, ["RUNNING"], "QUEUED", "recovery")
            _enqueue_again(ctx, queue, request)
            requeued += 1
        except BackupDoctorError:  # another worker's sweep moved it first, or Redis blinked
            logger.exception("could not requeue request %s", request.id)
    return requeued


def _still_alive(ctx: WorkerContext, queue: Queue, request: Request) -> bool:
    """Whether someone is still on it: a live lease, or an rq job waiting or just started."""
    if ctx.rq_redis.exists(lease_key(ctx.prefix, request.id)):
        return True
    if request.state == "RUNNING":
        return False  # running without a lease: its worker died
    try:
        job = RqJob.fetch(job_id_for(request), connection=queue.connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=True)
    if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        return True
    # started but no lease yet: only the moment before run_fix takes it, unless long ago
    started = job.started_at
    recent = (
        started is not None
        and (datetime.now(UTC) - started.replace(tzinfo=UTC)).total_seconds() < ctx.lease_seconds
    )
    return status == JobStatus.STARTED and recent


def _enqueue_again(ctx: WorkerContext, queue: Queue, request: Request) -> None:
    if request.state == "APPROVED":
        enqueue_fix(ctx.store, queue, request, "recovery")
        return
    try:
        enqueue_job(queue, request)
    except DuplicateJobError:
        # this attempt's job is still stored: failed, or started by a worker that died before
        # run_fix took the lease (rq's requeue() takes failed jobs only): replace it
        RqJob.fetch(job_id_for(request), connection=queue.connection).delete()
        enqueue_job(queue, request)
