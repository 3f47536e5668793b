"""Queue names, defined once: the web enqueues on them, workers listen, metrics count them."""

from __future__ import annotations


def fix_queue_name(prefix: str) -> str:
    """The rq queue of approved fixes: ``<REDIS_PREFIX>-fixes``."""
    return f"{prefix}-fixes"
