"""The request state machine: every allowed transition works, every other one is refused."""

from __future__ import annotations

import itertools

import pytest
import redis

from bot.errors import NotAllowed, StaleAction
from bot.models import RequestState
from bot.state import (
    TRANSITIONS,
    RequestMoved,
    RequestStore,
    approve,
    deny,
    request_fix,
    start_revert,
)
from tests.bot.fixes.factories import Clock, grant_plan
from tests.bot.state.conftest import (
    TIMEOUT,
    new_request,
    refuse_everyone,
    request_in,
    step,
)

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]
ALL_STATES: list[RequestState] = list(TRANSITIONS)
FORBIDDEN = [
    (a, b) for a, b in itertools.product(ALL_STATES, ALL_STATES) if b not in TRANSITIONS[a]
]

#: (the state a request is in, a transition that expects another state)
STALE = [(current, a, b) for current in ALL_STATES for a, b in ALLOWED if a != current]


@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED)
def test_every_allowed_transition_moves_the_request_and_records_it(
    store: RequestStore, clock: Clock, from_state: RequestState, to_state: RequestState
) -> None:
    request = request_in(store, clock, from_state)

    moved = step(store, clock, request, to_state)

    assert moved.state == to_state
    assert store.get(request.id).state == to_state
    last = store.audit_events(request.id)[-1]
    assert (last["from"], last["to"]) == (from_state, to_state)


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN)
def test_a_transition_outside_the_state_machine_is_a_programming_error(
    store: RequestStore, from_state: RequestState, to_state: RequestState
) -> None:
    with pytest.raises(ValueError, match="not a transition"):
        store.transition("any", [from_state], to_state, "U1")


@pytest.mark.parametrize(("current", "from_state", "to_state"), STALE)
def test_a_transition_from_another_state_is_stale_and_changes_nothing(
    store: RequestStore,
    clock: Clock,
    current: RequestState,
    from_state: RequestState,
    to_state: RequestState,
) -> None:
    request = request_in(store, clock, current)
    events = len(store.audit_events(request.id))

    with pytest.raises(StaleAction):
        store.transition(request.id, [from_state], to_state, "U_LATE")

    assert store.get(request.id) == request
    assert len(store.audit_events(request.id)) == events


def test_a_new_request_is_diagnosed_and_kept_for_the_ttl(
    store: RequestStore, redis_client: redis.Redis
) -> None:
    request = new_request(store)

    assert store.get(request.id) == request
    assert request.state == "DIAGNOSED"
    assert 86000 < redis_client.ttl(store.key(request.id)) <= 86400


def test_a_missing_request_is_stale(store: RequestStore) -> None:
    with pytest.raises(StaleAction, match="expired or does not exist"):
        store.get("0" * 32)
    with pytest.raises(StaleAction, match="expired or does not exist"):
        store.transition("0" * 32, ["FIX_REQUESTED"], "APPROVED", "U1")


def test_requesting_a_fix_records_remedy_fix_plan_and_policy_hash(
    store: RequestStore, clock: Clock
) -> None:
    request = new_request(store)
    plan = grant_plan(request.id)

    moved = request_fix(store, request.id, "U_OTHER", plan, "grant-passrole")

    assert (moved.remedy_id, moved.fix, moved.plan) == ("grant-passrole", "GRANT_PASSROLE", plan)
    assert moved.fix_requested_by == "U_OTHER"
    assert moved.requested_at is not None
    assert moved.requested_at.timestamp() == pytest.approx(clock.now)
    assert moved.policy_sha256 is not None
    assert len(moved.policy_sha256) == 64


def test_requesting_a_fix_for_another_account_is_refused(store: RequestStore) -> None:
    request = new_request(store)

    with pytest.raises(ValueError, match="account"):
        request_fix(store, request.id, "U1", grant_plan(request.id, account_id="999999999999"))


def test_a_second_fix_request_is_told_who_asked_first(store: RequestStore) -> None:
    request = new_request(store)
    request_fix(store, request.id, "U_FIRST", grant_plan(request.id))

    with pytest.raises(StaleAction, match="already requested by <@U_FIRST>"):
        request_fix(store, request.id, "U_SECOND", grant_plan(request.id))


def test_a_requeue_after_a_dead_worker_counts_an_attempt(store: RequestStore, clock: Clock) -> None:
    request = request_in(store, clock, "RUNNING")

    requeued = store.transition(request.id, ["RUNNING"], "QUEUED", "reaper")

    assert (requeued.attempts, requeued.retries) == (1, 0)


def test_a_retry_after_a_failure_counts_a_retry(store: RequestStore, clock: Clock) -> None:
    request = request_in(store, clock, "FAILED")

    retried = store.transition(request.id, ["FAILED"], "QUEUED", "U_BOSS")

    assert (retried.attempts, retried.retries) == (0, 1)


def test_a_retry_needs_an_approval_younger_than_the_timeout(
    store: RequestStore, clock: Clock
) -> None:
    request = request_in(store, clock, "FAILED")
    clock.advance(TIMEOUT)

    with pytest.raises(RequestMoved, match="does not cover a retry") as caught:
        store.transition(request.id, ["FAILED"], "QUEUED", "U_BOSS")

    assert caught.value.request is not None
    assert caught.value.request.state == "FAILED"


def test_transition_fields_are_set_and_none_removes_them(store: RequestStore, clock: Clock) -> None:
    request = request_in(store, clock, "RUNNING")
    failed = store.transition(
        request.id, ["RUNNING"], "FAILED", "worker", {"result": "boom", "restore_job_id": "j-1"}
    )
    assert (failed.result, failed.restore_job_id) == ("boom", "j-1")

    queued = store.transition(request.id, ["FAILED"], "QUEUED", "U_BOSS", {"result": None})

    assert queued.result is None
    assert queued.restore_job_id == "j-1"


@pytest.mark.parametrize("field", ["state", "requester", "attempts", "account_id", "diagnosis"])
def test_a_transition_may_not_rewrite_what_was_fixed_at_creation(
    store: RequestStore, field: str
) -> None:
    request = new_request(store)

    with pytest.raises(ValueError, match="may not set"):
        store.transition(request.id, ["DIAGNOSED"], "FIX_REQUESTED", "U1", {field: "x"})


def test_an_unknown_field_is_refused(store: RequestStore) -> None:
    request = new_request(store)

    with pytest.raises(ValueError, match="no field"):
        store.transition(request.id, ["DIAGNOSED"], "FIX_REQUESTED", "U1", {"colour": "red"})


def test_where_the_card_is_changes_without_a_state_change(store: RequestStore) -> None:
    request = new_request(store)

    store.set_thread(request.id, "C2", "1700000001.000200")
    store.set_message_ts(request.id, "1700000002.000300")

    stored = store.get(request.id)
    assert (stored.channel_id, stored.thread_ts, stored.message_ts) == (
        "C2",
        "1700000001.000200",
        "1700000002.000300",
    )
    assert stored.state == "DIAGNOSED"
    with pytest.raises(StaleAction):
        store.set_message_ts("0" * 32, "1.2")


def test_every_transition_renews_the_ttl(
    store: RequestStore, clock: Clock, redis_client: redis.Redis
) -> None:
    request = new_request(store)
    redis_client.expire(store.key(request.id), 10)

    request_fix(store, request.id, "U1", grant_plan(request.id))

    assert redis_client.ttl(store.key(request.id)) > 86000


def test_who_asked_and_when_are_recorded_even_by_a_bare_transition(
    store: RequestStore, clock: Clock, redis_client: redis.Redis, redis_prefix: str
) -> None:
    request = new_request(store)

    moved = store.transition(request.id, ["DIAGNOSED"], "FIX_REQUESTED", "U_OTHER")

    assert moved.fix_requested_by == "U_OTHER"
    assert moved.requested_at is not None
    assert redis_client.zscore(f"{redis_prefix}:pending", request.id) == pytest.approx(clock.now)


def test_the_asker_may_withdraw_but_others_need_the_approval_check(
    store: RequestStore, clock: Clock
) -> None:
    request = request_in(store, clock, "FIX_REQUESTED")
    with pytest.raises(NotAllowed):
        deny(store, refuse_everyone, request.id, "U_STRANGER")
    with pytest.raises(NotAllowed):
        approve(store, refuse_everyone, request.id, "U_STRANGER")

    withdrawn = deny(store, refuse_everyone, request.id, "U_ASKER")

    assert (withdrawn.state, withdrawn.approver) == ("DENIED", "U_ASKER")


def test_a_finished_grant_can_be_reverted_through_a_new_request(
    store: RequestStore, clock: Clock
) -> None:
    grant = request_in(store, clock, "SUCCEEDED")

    undo = start_revert(store, grant.id, "U_BOSS", "C1", "1.1")

    assert (undo.state, undo.grant_request_id, undo.account_id) == (
        "DIAGNOSED",
        grant.id,
        grant.account_id,
    )
    assert undo.id != grant.id


@pytest.mark.parametrize("state", ["FIX_REQUESTED", "RUNNING", "FAILED", "REVERTED"])
def test_only_a_finished_grant_can_be_reverted(
    store: RequestStore, clock: Clock, state: RequestState
) -> None:
    request = request_in(store, clock, state)

    with pytest.raises(StaleAction, match="Only a finished permission grant"):
        start_revert(store, request.id, "U_BOSS", "C1", "1.1")


def test_the_restore_a_run_started_is_recorded_without_a_state_change(
    store: RequestStore, clock: Clock
) -> None:
    request = request_in(store, clock, "RUNNING")
    events = len(store.audit_events(request.id))

    store.record_restore(request.id, "0AF3E1D2-1111-2222-3333-444455556666", 0)

    stored = store.get(request.id)
    assert (stored.restore_job_id, stored.restore_run, stored.state) == (
        "0AF3E1D2-1111-2222-3333-444455556666",
        0,
        "RUNNING",
    )
    assert len(store.audit_events(request.id)) == events  # the outcome's event will name it
    with pytest.raises(StaleAction):
        store.record_restore("0" * 32, "j", 0)
