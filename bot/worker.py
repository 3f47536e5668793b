"""The Procfile's ``worker``: an rq worker on the fix queue.

Heroku-style shutdown: on SIGTERM the current fix gets ``HEROKU_SHUTDOWN_DELAY`` seconds to finish,
then it is interrupted and its request handed back to the queue (fixes are idempotent, so running
it again never changes anything twice). On start, requests orphaned by a killed worker are requeued.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from rq import Queue
from rq.job import Job
from rq.worker import HerokuWorker

from bot.config import BotConfig, Settings
from bot.errors import BackupDoctorError
from bot.jobs import WorkerContext
from bot.observability.metrics import (
    APPROVALS,
    reset_multiprocess_dir,
    start_worker_metrics_server,
    worker_metrics_port,
)
from bot.queues import ALLOWED_JOBS, SERIALIZER, fix_queue
from bot.recovery import recover_orphans

logger = logging.getLogger(__name__)

#: seconds a fix may keep running after SIGTERM before it is interrupted and handed back
HEROKU_SHUTDOWN_DELAY = 20


def run_worker(settings: Settings, config: BotConfig, redis_url: str) -> int:
    """Work the fix queue until SIGTERM/SIGINT; return the exit status."""
    from bot import jobs
    from bot.runtime import build_worker_context

    # until rq installs its own handlers in work(), a SIGTERM means "stop now, cleanly"
    signal.signal(signal.SIGTERM, _exit_before_work)
    context = build_worker_context(settings, config, redis_url)
    jobs.install(context)
    queue = fix_queue(context.rq_redis, settings.redis_prefix)
    worker = FixWorker(
        [queue],
        connection=context.rq_redis,
        serializer=SERIALIZER,
        name=f"backup-doctor-{socket.gethostname()}-{os.getpid()}",
    )
    worker.imminent_shutdown_delay = HEROKU_SHUTDOWN_DELAY
    reset_multiprocess_dir()
    start_worker_metrics_server(worker_metrics_port(), queue_depth=lambda: queue.count)
    requeued = recover_orphans(context, queue)
    logger.info("worker ready on queue %s (%d orphaned fix(es) requeued)", queue.name, requeued)
    _start_sweeper(context, queue, settings.sweep_seconds)
    worker.work(with_scheduler=True, logging_level=settings.log_level.upper())
    return 0


def _exit_before_work(signum: int, frame: object) -> None:
    raise SystemExit(0)  # nothing has been taken from the queue yet


class FixWorker(HerokuWorker):
    """rq's Heroku-style worker that runs only the bot's own job functions.

    A job naming any other function (pushed straight into Redis) is failed unrun; with the JSON
    serializer, reading it runs no code either.
    """

    def perform_job(self, job: Job, queue: Queue) -> bool:
        if job.func_name not in ALLOWED_JOBS:
            logger.error(
                "refused job %s: it names %r, not a backup-doctor job", job.id, job.func_name
            )
            self.handle_job_failure(job, queue=queue, exc_string="refused: not a backup-doctor job")
            return False
        return bool(super().perform_job(job, queue))


def _start_sweeper(context: WorkerContext, queue: Queue, every: float) -> None:
    """Every ``every`` seconds: expire unapproved requests, requeue fixes whose worker died."""

    def sweep() -> None:
        while True:
            time.sleep(every)
            try:
                expired = context.store.expire_stale()
                APPROVALS.labels(decision="expired").inc(len(expired))
                requeued = recover_orphans(context, queue)
                if expired or requeued:
                    logger.info("sweep: %d expired, %d requeued", len(expired), requeued)
            except BackupDoctorError as exc:
                logger.warning("sweep skipped: %s", exc.user_message)
            except Exception:  # rq's raw Redis client, rq itself: never let the sweeper die
                logger.exception("sweep failed; sweeping again in %s s", every)

    threading.Thread(target=sweep, name="sweeper", daemon=True).start()
