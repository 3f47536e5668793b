"""What the request-state tests share: a store on a fake clock, requests built the way the bot
builds them (up to any state), approval checks that let everyone or no one through, and a Redis
nobody answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.errors import NotAllowed
from bot.models import RequestState
from bot.state import Request, RequestStore, approve, deny, request_fix
from tests.bot.fixes.factories import Clock, diagnosis, grant_plan

#: the approval timeout every store here is given (seconds)
TIMEOUT = 3600.0
#: how long every store here keeps a request (seconds)
TTL = 86400


def allow_anyone(request: Request, approver: str) -> None:
    """An approval check that lets everyone through (the policy has its own tests)."""


def refuse_everyone(request: Request, approver: str) -> None:
    """An approval check that lets nobody through."""
    raise NotAllowed("no")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(redis_client: redis.Redis, redis_prefix: str, clock: Clock) -> RequestStore:
    return RequestStore(redis_client, redis_prefix, TTL, TIMEOUT, clock=clock)


@pytest.fixture
def requested(store: RequestStore) -> Request:
    """A request whose fix U_ASKER asked for, waiting for an approver."""
    return fix_requested(store)


@pytest.fixture
def dead_redis() -> Iterator[redis.Redis]:
    """A client pointed at a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 1))
    yield client
    client.close()


def new_request(store: RequestStore, requester: str = "U_ASKER") -> Request:
    """A freshly diagnosed request in account 111122223333, eu-west-1."""
    return store.create(
        diagnosis(), "C1", "1700000000.000100", requester, "111122223333", "eu-west-1"
    )


def fix_requested(store: RequestStore) -> Request:
    """A new request whose fix its asker, U_ASKER, has requested."""
    request = new_request(store)
    return request_fix(store, request.id, "U_ASKER", grant_plan(request.id))


def request_in(store: RequestStore, clock: Clock, state: RequestState) -> Request:
    """A request brought to ``state`` the way the bot does it."""
    request = new_request(store)
    path: dict[RequestState, list[RequestState]] = {
        "DIAGNOSED": [],
        "FIX_REQUESTED": ["FIX_REQUESTED"],
        "APPROVED": ["FIX_REQUESTED", "APPROVED"],
        "DENIED": ["FIX_REQUESTED", "DENIED"],
        "EXPIRED": ["FIX_REQUESTED", "EXPIRED"],
        "QUEUED": ["FIX_REQUESTED", "APPROVED", "QUEUED"],
        "RUNNING": ["FIX_REQUESTED", "APPROVED", "QUEUED", "RUNNING"],
        "SUCCEEDED": ["FIX_REQUESTED", "APPROVED", "QUEUED", "RUNNING", "SUCCEEDED"],
        "FAILED": ["FIX_REQUESTED", "APPROVED", "QUEUED", "RUNNING", "FAILED"],
        "REVERTED": ["FIX_REQUESTED", "APPROVED", "QUEUED", "RUNNING", "SUCCEEDED", "REVERTED"],
    }
    for to in path[state]:
        request = step(store, clock, request, to)
    assert request.state == state
    return request


def step(store: RequestStore, clock: Clock, request: Request, to: RequestState) -> Request:
    """Move ``request`` on to ``to`` with the step the bot would use (expiry: by the sweep)."""
    if to == "FIX_REQUESTED":
        return request_fix(store, request.id, "U_ASKER", grant_plan(request.id), "grant-passrole")
    if to == "APPROVED":
        return approve(store, allow_anyone, request.id, "U_BOSS")
    if to == "DENIED":
        return deny(store, allow_anyone, request.id, "U_BOSS")
    if to == "EXPIRED":
        clock.advance(TIMEOUT + 1)
        assert store.expire_stale() == [request.id]
        return store.get(request.id)
    return store.transition(request.id, [request.state], to, "worker")
