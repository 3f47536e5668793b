"""The named steps people take on a request: ask for a fix, approve or deny it, ask for a revert.

Each is one atomic transition; approval rules are checked before it (what they look at, the
requester, account and plan, cannot change once a fix is requested).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.audit import plan_sha256
from bot.errors import StaleAction
from bot.models import FixPlan
from bot.state.request import Request
from bot.state.store import RequestStore

#: raises ``NotAllowed`` when the user may not decide on the request (``ApprovalPolicy.check``)
ApprovalCheck = Callable[[Request, str], None]


def request_fix(
    store: RequestStore, request_id: str, actor: str, plan: FixPlan, remedy_id: str | None = None
) -> Request:
    """DIAGNOSED -> FIX_REQUESTED, recording the remedy, the fix and exactly what it will do."""
    request = store.get(request_id)
    if plan.account_id != request.account_id:
        raise ValueError(
            f"plan for account {plan.account_id} on a request of account {request.account_id!r}"
        )
    fields = {"remedy_id": remedy_id, "fix": plan.fix, "plan": plan}
    return store.transition(request_id, ["DIAGNOSED"], "FIX_REQUESTED", actor, fields)


def approve(store: RequestStore, check: ApprovalCheck, request_id: str, approver: str) -> Request:
    """FIX_REQUESTED -> APPROVED by an allowed approver; the first valid click wins.

    The approval pins the plan the card showed (its ``plan_sha256``), in the request and its
    audit event: the worker applies nothing else.
    """
    request = store.get(request_id)
    check(request, approver)
    fields = {"approved_plan_sha256": plan_sha256(request.plan)} if request.plan else {}
    return store.transition(
        request_id, ["FIX_REQUESTED"], "APPROVED", approver, fields, audit_details=fields
    )


def deny(store: RequestStore, check: ApprovalCheck, request_id: str, approver: str) -> Request:
    """FIX_REQUESTED -> DENIED by an allowed approver, or withdrawn by the person who asked."""
    request = store.get(request_id)
    if approver not in (request.requester, request.fix_requested_by):
        check(request, approver)
    return store.transition(request_id, ["FIX_REQUESTED"], "DENIED", approver)


def start_revert(
    store: RequestStore, grant_request_id: str, requester: str, channel_id: str, thread_ts: str
) -> Request:
    """A new request (DIAGNOSED) to undo a finished change (the caller checked it has a revert)."""
    grant = store.get(grant_request_id)
    if grant.state != "SUCCEEDED" or grant.plan is None:
        raise StaleAction(
            "Only a finished permission grant can be reverted.",
            f"This request is {grant.state.lower().replace('_', ' ')}.",
        )
    return store.create(
        grant.diagnosis,
        channel_id=channel_id,
        thread_ts=thread_ts,
        requester=requester,
        account_id=grant.account_id,
        region=grant.region,
        grant_request_id=grant.id,
    )
