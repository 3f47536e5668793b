"""bot/worker/process.py: the sweeper keeps sweeping whatever one sweep runs into."""

from __future__ import annotations

import threading
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
