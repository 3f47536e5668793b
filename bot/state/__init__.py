"""Request state in Redis: the request model, its atomic state machine and the audit trail.

``RequestStore`` holds requests; ``steps`` names what people do to them; ``claim_once`` drops
duplicate Slack deliveries.
"""

from __future__ import annotations

from redis import Redis

from bot.state.outcome import RequestMoved
from bot.state.redis_errors import redis_errors
from bot.state.request import TRANSITIONS, Request
from bot.state.steps import approve, deny, request_fix, start_revert
from bot.state.store import RequestStore


def claim_once(redis: Redis, key: str, ttl_seconds: int) -> bool:
    """True the first time ``key`` is claimed within ``ttl_seconds`` (SET NX EX), else False."""
    with redis_errors():
        return bool(redis.set(key, "1", nx=True, ex=ttl_seconds))


__all__ = [
    "TRANSITIONS",
    "Request",
    "RequestMoved",
    "RequestStore",
    "approve",
    "claim_once",
    "deny",
    "request_fix",
    "start_revert",
]
