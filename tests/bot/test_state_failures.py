"""Redis trouble: the user is told nothing changed, and indeed nothing did."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.errors import StateUnavailable
from bot.state import RequestStore, claim_once, request_fix
from tests.bot.fixes.factories import Clock, diagnosis, grant_plan


@pytest.fixture
def dead_redis() -> Iterator[redis.Redis]:
    """A client pointed at a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 1))
    yield client
    client.close()


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
    store = RequestStore(dead_redis, "bd", 86400, 3600.0)

    with pytest.raises(StateUnavailable, match="Redis is unreachable: nothing was changed"):
        operation(store)


def test_claim_once_with_an_unreachable_redis_is_state_unavailable(
    dead_redis: redis.Redis,
) -> None:
    with pytest.raises(StateUnavailable):
        claim_once(dead_redis, "bd:dedup:x", 60)


def test_a_transition_redis_refuses_leaves_the_request_untouched(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    store = RequestStore(redis_client, redis_prefix, 86400, 3600.0, clock=Clock())
    request = store.create(diagnosis(), "C1", "1.1", "U1", "111122223333", "eu-west-1")
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
