"""Exactly once: concurrent clicks, Slack retries and client retries move a request once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.errors import StaleAction
from bot.state import Request, RequestMoved, RequestStore, approve
from tests.bot.state.conftest import allow_anyone

APPROVERS = [f"U{n:02d}" for n in range(20)]


def test_twenty_approvers_at_once_exactly_one_wins_and_the_rest_learn_who(
    store: RequestStore, requested: Request
) -> None:
    # one client (one connection pool) shared by every thread, as the web process shares it
    start = threading.Barrier(len(APPROVERS))

    def click(approver: str) -> str | StaleAction:
        start.wait()
        try:
            return approve(store, allow_anyone, requested.id, approver).approver or ""
        except StaleAction as refused:
            return refused

    with ThreadPoolExecutor(len(APPROVERS)) as pool:
        results = list(pool.map(click, APPROVERS))

    winners = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, StaleAction)]
    assert len(winners) == 1
    assert len(refused) == len(APPROVERS) - 1
    assert all(f"Already approved by <@{winners[0]}>" in r.user_message for r in refused)
    approvals = [e for e in store.audit_events(requested.id) if e["to"] == "APPROVED"]
    assert [e["actor"] for e in approvals] == winners


def test_a_slack_retry_of_the_same_click_moves_the_request_once(
    store: RequestStore, requested: Request
) -> None:
    approve(store, allow_anyone, requested.id, "U_BOSS")

    with pytest.raises(RequestMoved) as again:
        approve(store, allow_anyone, requested.id, "U_BOSS")

    assert again.value.request is not None
    assert again.value.request.approver == "U_BOSS"
    assert [e["to"] for e in store.audit_events(requested.id)].count("APPROVED") == 1


def test_a_transition_resent_after_a_lost_reply_applies_once(
    store: RequestStore, requested: Request, monkeypatch: pytest.MonkeyPatch
) -> None:
    # redis-py re-sends a command after a connection error; the script sees the same nonce
    class SameNonce:
        hex = "f" * 32

    monkeypatch.setattr("bot.state.store.uuid.uuid4", lambda: SameNonce())

    first = store.transition(requested.id, ["FIX_REQUESTED"], "APPROVED", "U_BOSS")
    second = store.transition(requested.id, ["FIX_REQUESTED"], "APPROVED", "U_BOSS")

    assert first == second
    assert second.state == "APPROVED"
    assert [e["to"] for e in store.audit_events(requested.id)].count("APPROVED") == 1


def test_denied_requests_tell_later_approvers_who_denied(
    store: RequestStore, requested: Request
) -> None:
    store.transition(requested.id, ["FIX_REQUESTED"], "DENIED", "U_NO", {"approver": "U_NO"})

    with pytest.raises(StaleAction, match="Already denied by <@U_NO>"):
        approve(store, allow_anyone, requested.id, "U_YES")
