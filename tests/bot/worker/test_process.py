"""bot/worker/process.py: the sweeper keeps sweeping whatever one sweep runs into, until a stop."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import cast

import pytest
import redis
from rq import Queue

from bot.worker import process as worker
from bot.worker.tasks import WorkerContext


class Store:
    """Nothing ever waits for approval, so nothing expires."""

    def expire_stale(self) -> list[str]:
        return []


def test_the_sweeper_sweeps_again_after_redis_failed_one_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sweeps: list[int] = []
    swept_again = threading.Event()

    def recover(context: WorkerContext, queue: Queue) -> int:
        sweeps.append(1)
        if len(sweeps) == 1:
            raise redis.ConnectionError("Connection reset by peer")  # rq's own client, unmapped
        swept_again.set()
        threading.Event().wait()  # park the (daemon) sweeper: the test has its answer
        return 0

    monkeypatch.setattr(worker, "recover_orphans", recover)
    context = cast(WorkerContext, SimpleNamespace(store=Store()))

    worker._start_sweeper(context, cast(Queue, None), every=0.01)

    assert swept_again.wait(timeout=5), "the sweeper thread died with the first failed sweep"


def test_a_worker_asked_to_stop_sweeps_no_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fix a stopping worker hands back is left RUNNING for the next worker's sweep."""
    swept = threading.Event()
    stop = threading.Event()

    def recover(context: WorkerContext, queue: Queue) -> int:
        swept.set()
        return 0

    monkeypatch.setattr(worker, "recover_orphans", recover)
    context = cast(WorkerContext, SimpleNamespace(store=Store()))

    worker._start_sweeper(context, cast(Queue, None), every=0.01, stopping=stop.is_set)
    assert swept.wait(timeout=5), "the sweeper did not sweep while the worker ran"
    stop.set()
    time.sleep(0.05)  # a sweep already under way ends
    swept.clear()

    assert not swept.wait(timeout=0.3), "a worker asked to stop requeued fixes"
