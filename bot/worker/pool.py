"""``python -m bot worker --count N``: N workers from one command, for a host without Kubernetes.

Each worker is its own ``python -m bot worker`` process (its own rq worker, metrics directory and
metrics port: the next free one from ``WORKER_METRICS_PORT``), so one that dies takes nothing
else with it; the pool starts it again after a pause that grows while it keeps dying. SIGTERM or
SIGINT is passed to every worker (each finishes or hands back its fix, as alone), and the pool
exits once they all have.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

logger = logging.getLogger(__name__)

#: seconds before a worker that died is started again; doubles while it keeps dying, up to MAX
RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 30.0
#: a worker that ran this long before dying counts as healthy again (its delay starts over)
HEALTHY_AFTER_SECONDS = 60.0


class WorkerPool:
    """Keeps ``count`` worker processes running until asked to stop."""

    def __init__(self, count: int, stop_grace_seconds: float) -> None:
        self._count = count
        self._grace = stop_grace_seconds
        self._stopping = threading.Event()
        self._workers: list[subprocess.Popen[bytes] | None] = [None] * count
        self._started: list[float] = [0.0] * count
        self._delays: list[float] = [RESTART_DELAY_SECONDS] * count
        self._due: list[float] = [0.0] * count

    def run(self) -> int:
        """Start the workers, keep them running, stop them on a signal; the exit status."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        logger.info("worker pool: starting %d workers", self._count)
        while not self._stopping.is_set():
            for slot in range(self._count):
                self._tend(slot)
            self._stopping.wait(0.2)
        return self._stop_all()

    def _tend(self, slot: int) -> None:
        worker = self._workers[slot]
        now = time.monotonic()
        if worker is not None:
            code = worker.poll()
            if code is None:
                return
            ran = now - self._started[slot]
            if ran >= HEALTHY_AFTER_SECONDS:
                self._delays[slot] = RESTART_DELAY_SECONDS
            logger.warning(
                "worker pool: worker %d (pid %d) exited with %s after %.0f s; starting it again "
                "in %.0f s",
                slot + 1,
                worker.pid,
                code,
                ran,
                self._delays[slot],
            )
            self._workers[slot] = None
            self._due[slot] = now + self._delays[slot]
            self._delays[slot] = min(MAX_RESTART_DELAY_SECONDS, self._delays[slot] * 2)
            return
        if now < self._due[slot]:
            return
        started = subprocess.Popen([sys.executable, "-m", "bot", "worker"])
        self._workers[slot], self._started[slot] = started, now
        logger.info("worker pool: worker %d started (pid %d)", slot + 1, started.pid)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("worker pool: %s: stopping every worker", signal.Signals(signum).name)
        self._stopping.set()

    def _stop_all(self) -> int:
        running = [w for w in self._workers if w is not None and w.poll() is None]
        for worker in running:
            worker.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self._grace
        for worker in running:
            try:
                worker.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("worker pool: worker pid %d did not stop: killing it", worker.pid)
                worker.kill()
                worker.wait()
        logger.info("worker pool: stopped")
        return 0
