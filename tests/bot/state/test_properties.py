"""Any sequence of clicks and worker steps: the stored state is the state machine's, and the
audit trail lists exactly the moves that happened."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import StaleAction
from bot.models import RequestState
from bot.state import TRANSITIONS, RequestStore
from tests.bot.state.conftest import new_request

MOVES = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets) if b != "EXPIRED"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(st.sampled_from(MOVES), max_size=12))
def test_the_store_follows_the_state_machine(
    store: RequestStore, attempts: list[tuple[RequestState, RequestState]]
) -> None:
    request = new_request(store, requester="U1")
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
