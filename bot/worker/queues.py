"""The fix queue, defined once: the web enqueues on it, workers listen, metrics count it.

Jobs are serialised as JSON, not rq's default pickle: whoever can write to Redis must not be able
to run code in a worker by crafting a job, and the worker runs only ``ALLOWED_JOBS``.
"""

from __future__ import annotations

import redis
from rq import Queue
from rq.serializers import JSONSerializer

#: the only functions a worker will run; a job naming anything else is refused
ALLOWED_JOBS = frozenset({"bot.worker.tasks.run_fix"})
SERIALIZER = JSONSerializer


def fix_queue_name(prefix: str) -> str:
    """The rq queue of approved fixes: ``<REDIS_PREFIX>-fixes``."""
    return f"{prefix}-fixes"


def fix_queue(connection: redis.Redis, prefix: str) -> Queue:
    """The fix queue on ``connection``, with the JSON serializer every party must share."""
    return Queue(fix_queue_name(prefix), connection=connection, serializer=SERIALIZER)
