"""Redis trouble: the user is told nothing changed, and indeed nothing did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis

from bot.errors import StateUnavailable
from bot.state import RequestStore, claim_once, request_fix
from tests.bot.fixes.factories import diagnosis, grant_plan
from tests.bot.state.conftest import TIMEOUT, TTL, new_request

OPERATIONS: dict[str, Callable[[RequestStore], Any]] = {
    "create": lambda s: s.create(diagnosis(), "C1", "1.1", "U1", "111122223333", "eu-west-1"),
    "get": lambda s: s.get("0" * 32),
    "transition": lambda s: s.transition("0" * 32, ["FIX_REQUESTED"], "APPROVED", "U2"),
    "set_thread": lambda s: s.set_thread("0" * 32, "C1", "1.1"),
    "expire_stale": lambda s: s.expire_stale(),
    "audit_events": lambda s: s.audit_events(),
}


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_an_unreachable_redis_is_state_unavailable(
    dead_redis: redis.Redis, operation: Callable[[RequestStore], Any]
) -> None:
    store = RequestStore(dead_redis, "bd", TTL, TIMEOUT)

    with pytest.raises(StateUnavailable, match="Redis is unreachable: nothing was changed"):
        operation(store)


def test_claim_once_with_an_unreachable_redis_is_state_unavailable(
    dead_redis: redis.Redis,
) -> None:
    with pytest.raises(StateUnavailable):
        claim_once(dead_redis, "bd:dedup:x", 60)


def test_a_transition_redis_refuses_leaves_the_request_untouched(
    store: RequestStore, redis_client: redis.Redis, redis_prefix: str
) -> None:
    request = new_request(store, requester="U1")
    redis_client.delete(store.audit_stream)
    redis_client.set(store.audit_stream, "not a stream")  # the audit append will fail

    with pytest.raises(StateUnavailable, match="nothing was changed"):
        request_fix(store, request.id, "U1", grant_plan(request.id))

    assert store.get(request.id) == request
    assert redis_client.zcard(f"{redis_prefix}:pending") == 0


def test_a_delivery_is_claimed_once(redis_client: redis.Redis, redis_prefix: str) -> None:
    key = f"{redis_prefix}:dedup:Ev123"

    assert claim_once(redis_client, key, 60) is True
    assert claim_once(redis_client, key, 60) is False
    assert 0 < redis_client.ttl(key) <= 60
