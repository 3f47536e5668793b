"""Any sequence of clicks and worker steps: the stored state is the state machine's, and the
audit trail lists exactly the moves that happened."""

from __future__ import annotations

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import StaleAction
from bot.models import RequestState
from bot.state import TRANSITIONS, RequestStore
from tests.bot.fixes.factories import Clock, diagnosis

MOVES = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets) if b != "EXPIRED"]


@pytest.fixture
def store(redis_client: redis.Redis, redis_prefix: str) -> RequestStore:
    return RequestStore(redis_client, redis_prefix, 86400, 3600.0, clock=Clock())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(st.sampled_from(MOVES), max_size=12))
def test_the_store_follows_the_state_machine(
    store: RequestStore, attempts: list[tuple[RequestState, RequestState]]
) -> None:
    request = store.create(diagnosis(), "C1", "1.1", "U1", "111122223333", "eu-west-1")
    state: RequestState = "DIAGNOSED"
    made = [("", "DIAGNOSED")]
    for from_state, to_state in attempts:
        try:
            store.transition(request.id, [from_state], to_state, "U2")
        except StaleAction:
            assert from_state != state
            continue
        assert from_state == state
        state = to_state
        made.append((from_state, to_state))

    assert store.get(request.id).state == state
    assert [(e["from"], e["to"]) for e in store.audit_events(request.id)] == made
