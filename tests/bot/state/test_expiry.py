"""Approval timeout: a fix request nobody approved in time expires, on touch or by the sweep."""

from __future__ import annotations

import pytest
import redis

from bot.errors import StaleAction
from bot.state import RequestStore, approve, deny
from tests.bot.fixes.factories import Clock
from tests.bot.state.conftest import TIMEOUT, allow_anyone, fix_requested


def test_approving_just_before_the_timeout_works(store: RequestStore, clock: Clock) -> None:
    request = fix_requested(store)
    clock.advance(TIMEOUT - 1)

    assert approve(store, allow_anyone, request.id, "U_BOSS").state == "APPROVED"


@pytest.mark.parametrize("decide", [approve, deny])
def test_deciding_after_the_timeout_expires_the_request(
    store: RequestStore, clock: Clock, decide: object
) -> None:
    request = fix_requested(store)
    clock.advance(TIMEOUT)

    with pytest.raises(StaleAction, match="expired") as caught:
        decide(store, allow_anyone, request.id, "U_BOSS")  # type: ignore[operator]

    assert "Request the fix again" in caught.value.next_step
    assert store.get(request.id).state == "EXPIRED"
    last = store.audit_events(request.id)[-1]
    assert (last["actor"], last["from"], last["to"]) == ("system", "FIX_REQUESTED", "EXPIRED")
    assert last["reason"] == "approval timed out"


def test_the_sweep_expires_only_requests_past_the_timeout(
    store: RequestStore, clock: Clock
) -> None:
    old = fix_requested(store)
    clock.advance(TIMEOUT / 2)
    young = fix_requested(store)
    decided = fix_requested(store)
    approve(store, allow_anyone, decided.id, "U_BOSS")
    clock.advance(TIMEOUT / 2 + 1)

    assert store.expire_stale() == [old.id]

    assert store.get(old.id).state == "EXPIRED"
    assert store.get(young.id).state == "FIX_REQUESTED"
    assert store.get(decided.id).state == "APPROVED"
    assert store.expire_stale() == []


def test_the_sweep_skips_and_forgets_requests_whose_key_is_gone(
    store: RequestStore, clock: Clock, redis_client: redis.Redis, redis_prefix: str
) -> None:
    gone = fix_requested(store)
    redis_client.delete(store.key(gone.id))
    clock.advance(TIMEOUT + 1)

    assert store.expire_stale() == []
    assert redis_client.zcard(f"{redis_prefix}:pending") == 0


def test_expiring_a_request_early_is_refused(store: RequestStore, clock: Clock) -> None:
    request = fix_requested(store)

    with pytest.raises(StaleAction, match="still waiting"):
        store.transition(request.id, ["FIX_REQUESTED"], "EXPIRED", "system")

    assert store.get(request.id).state == "FIX_REQUESTED"
