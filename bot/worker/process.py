"""The Procfile's ``worker``: an rq worker on the fix queue.

Heroku-style shutdown: on SIGTERM the current fix gets ``WORKER_SHUTDOWN_SECONDS`` to finish, then
it is interrupted and its request handed back to the queue (fixes are idempotent, so running it
again never changes anything twice). On start, requests orphaned by a killed worker are requeued.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from rq import Queue
from rq.job import Job
from rq.worker import HerokuWorker

from bot.config import BotConfig, Settings
from bot.errors import BackupDoctorError
from bot.observability.metrics import (
    APPROVALS,
    reset_multiprocess_dir,
    start_worker_metrics_server,
    worker_metrics_port,
)
from bot.worker.queues import ALLOWED_JOBS, SERIALIZER, fix_queue
from bot.worker.recovery import recover_orphans
from bot.worker.tasks import WorkerContext

logger = logging.getLogger(__name__)

#: seconds an idle worker waits for a fix before it looks whether it was asked to stop
IDLE_POLL_SECONDS = 1


def run_worker(settings: Settings, config: BotConfig, redis_url: str) -> int:
    """Work the fix queue until SIGTERM/SIGINT; return the exit status."""
    from bot.wiring import build_worker
    from bot.worker import tasks

    startup = StartupSignals()
    startup.exit_on_signal()  # nothing has been taken from the queue yet: stop right away
    context = build_worker(settings, config, redis_url)
    tasks.install(context)
    queue = fix_queue(context.rq_redis, settings.redis_prefix)
    worker = FixWorker(
        [queue],
        connection=context.rq_redis,
        serializer=SERIALIZER,
        name=f"backup-doctor-{socket.gethostname()}-{os.getpid()}",
        startup=startup,
    )
    worker.imminent_shutdown_delay = settings.worker_shutdown_seconds
    reset_multiprocess_dir()
    start_worker_metrics_server(worker_metrics_port(), queue_depth=lambda: queue.count)
    requeued = recover_orphans(context, queue)
    logger.info("worker ready on queue %s (%d orphaned fix(es) requeued)", queue.name, requeued)
    _start_sweeper(context, queue, settings.sweep_seconds, stopping=lambda: worker.stopping)
    if startup.received is not None:  # a signal whose SystemExit was swallowed on the way
        logger.info("stopping: %s arrived while starting", startup.received.name)
        return 0
    # From here rq forks its scheduler process: a signal is only noted, and FixWorker hands it to
    # rq's own stop once rq has installed its handlers (see FixWorker._shutdown for why).
    startup.defer()
    worker.work(with_scheduler=True, logging_level=settings.log_level.upper())
    return 0


class StartupSignals:
    """SIGTERM/SIGINT that arrive before rq's worker loop has its own handlers."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self._pid = os.getpid()

    def exit_on_signal(self) -> None:
        """Stop at once: used while nothing runs yet but the worker's own set-up."""
        self._install(self._exit)

    def defer(self) -> None:
        """Only note the signal: used while rq registers the worker and forks its scheduler."""
        self._install(self._note)

    def _install(self, handler: Callable[[int, FrameType | None], None]) -> None:
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def _exit(self, signum: int, frame: FrameType | None) -> None:
        self.received = signal.Signals(signum)
        raise SystemExit(0)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:
            # rq's scheduler process, stopped before it installed its own handlers: it has done
            # nothing yet, and its lock in Redis expires by itself
            os._exit(0)
        self.received = signal.Signals(signum)


class FixWorker(HerokuWorker):
    """rq's Heroku-style worker that runs only the bot's own job functions, and stops cleanly.

    A job naming any other function (pushed straight into Redis) is failed unrun; with the JSON
    serializer, reading it runs no code either.
    """

    def __init__(self, *args: Any, startup: StartupSignals | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._startup = startup

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()  # type: ignore[no-untyped-call]
        received = self._startup.received if self._startup else None
        if received is not None:
            self.log.info("Worker %s: %s arrived while starting", self.name, received.name)
            self.request_stop(received, None)  # type: ignore[no-untyped-call]

    @property
    def stopping(self) -> bool:
        """A stop was asked for (SIGTERM/SIGINT), during start-up or after."""
        return bool(self._stop_requested) or (
            self._startup is not None and self._startup.received is not None
        )

    def _shutdown(self) -> None:
        """A warm stop, noted and never raised (runs inside the SIGTERM handler).

        rq's own version raises ``StopRequested`` out of the handler when the worker is idle.
        Wherever the signal lands, that exception can be swallowed (by a log handler, an at-fork
        hook: the worker then never stops) or cut a Redis exchange between a command and its reply.
        So the flag only: an idle worker sees it within ``IDLE_POLL_SECONDS``, a busy one after
        its current fix, and the loop's teardown stops the scheduler process.
        """
        self._stop_requested = True

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        """Wait for a fix in short polls, so that a requested stop is seen while idle."""
        if timeout is None:  # burst mode: rq returns as soon as the queue is empty
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
        while not self._stop_requested:
            found = super().dequeue_job_and_maintain_ttl(IDLE_POLL_SECONDS, IDLE_POLL_SECONDS)
            if found is not None:
                return found
        self.log.info("Worker %s: stopping on request", self.name)
        return None

    def teardown(self) -> None:
        # A cold stop (a second signal) raises SystemExit wherever the loop is, possibly between a
        # Redis command and its reply; a pooled connection could then hand its stale reply to the
        # deregistration below. Start that on fresh connections.
        self.connection.connection_pool.disconnect(inuse_connections=False)
        super().teardown()  # type: ignore[no-untyped-call]

    def perform_job(self, job: Job, queue: Queue) -> bool:
        if job.func_name not in ALLOWED_JOBS:
            logger.error(
                "refused job %s: it names %r, not a backup-doctor job", job.id, job.func_name
            )
            self.handle_job_failure(job, queue=queue, exc_string="refused: not a backup-doctor job")
            return False
        return bool(super().perform_job(job, queue))


def _start_sweeper(
    context: WorkerContext,
    queue: Queue,
    every: float,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """Every ``every`` seconds: expire unapproved requests, requeue fixes whose worker died.

    A worker that was asked to stop sweeps no more: the fix it just handed back (RUNNING, lease
    released) is for the next worker's sweep, not for a requeue by the worker that is leaving.
    """

    def sweep() -> None:
        while True:
            time.sleep(every)
            if stopping():
                return
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
