"""A request: one diagnosis and everything that follows it, and how it is stored in a Redis hash.

Scalar fields are stored as plain strings, times as epoch seconds (the transition script compares
them), and the nested models (diagnosis, plan) as JSON the script never looks into.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from bot.models import Diagnosis, FixPlan, RequestState

#: every state change the bot makes; anything else is a bug or a stale button
TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    "DIAGNOSED": frozenset({"FIX_REQUESTED"}),
    "FIX_REQUESTED": frozenset({"APPROVED", "DENIED", "EXPIRED"}),
    "APPROVED": frozenset({"QUEUED"}),
    "QUEUED": frozenset({"RUNNING", "FAILED"}),
    "RUNNING": frozenset({"SUCCEEDED", "FAILED", "QUEUED"}),
    "FAILED": frozenset({"QUEUED"}),
    "SUCCEEDED": frozenset({"REVERTED"}),
    "DENIED": frozenset(),
    "EXPIRED": frozenset(),
    "REVERTED": frozenset(),
}


class Request(BaseModel):
    """One diagnosis and what followed: the fix asked for, its approval, its runs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    account_id: str  # "" when the diagnosis could not tell
    region: str
    channel_id: str
    thread_ts: str
    requester: str  # Slack user id of the person who asked for the diagnosis
    diagnosis: Diagnosis
    state: RequestState
    created_at: datetime
    updated_at: datetime
    message_ts: str | None = None  # the card the buttons live on
    remedy_id: str | None = None
    fix: str | None = None
    plan: FixPlan | None = None
    policy_sha256: str | None = None  # of the plan's policy document: ties approval to content
    #: ``audit.plan_sha256`` of the plan as approved: the worker applies only a plan that matches
    approved_plan_sha256: str | None = None
    fix_requested_by: str | None = None
    requested_at: datetime | None = None  # when the fix was requested: approval timeout base
    approver: str | None = None  # who approved or denied
    decided_at: datetime | None = None
    restore_job_id: str | None = None  # the re-run started by the fix
    restore_run: int | None = None  # which run (``retries`` then) started ``restore_job_id``
    result: str | None = None  # the outcome, in one sentence
    attempts: int = 0  # worker requeues after a worker died
    retries: int = 0  # retries asked for after a failure (each one is a new restore)
    grant_request_id: str | None = None  # a revert: the request whose change it undoes
    #: the other jobs that failed the same way since the card was posted (a burst)
    burst_jobs: list[str] = []
    #: the re-runs the fix started for ``burst_jobs`` (recorded at once, like restore_job_id)
    more_restore_job_ids: list[str] = []


#: fields fixed at creation; a transition may not change them
IMMUTABLE = frozenset(
    {"id", "account_id", "region", "requester", "diagnosis", "state", "created_at", "updated_at"}
    | {"attempts", "retries"}
)
_TIMES = frozenset({"created_at", "updated_at", "requested_at", "decided_at"})
_MODELS = frozenset({"diagnosis", "plan"})
_LISTS = frozenset({"burst_jobs", "more_restore_job_ids"})


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    annotation = Request.model_fields[name].annotation
    if annotation is None:
        raise ValueError(f"Request.{name} has no type")
    return TypeAdapter(annotation)


def encode_field(name: str, value: Any) -> str | None:
    """The hash value for one field (validated against the model); ``None`` means absent."""
    if name not in Request.model_fields:
        raise ValueError(f"Request has no field {name!r}")
    value = _adapter(name).validate_python(value)
    if value is None:
        return None
    if name in _TIMES:
        return f"{value.timestamp():.6f}"
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if name in _LISTS:
        return json.dumps(value)
    return str(value)


def to_hash(request: Request) -> dict[str, str]:
    """The whole request as hash fields (absent fields left out)."""
    encoded = {name: encode_field(name, getattr(request, name)) for name in Request.model_fields}
    return {name: value for name, value in encoded.items() if value is not None}


def from_hash(raw: Mapping[str, str]) -> Request:
    """Rebuild a request from its hash fields (extra bookkeeping fields are ignored)."""
    data: dict[str, Any] = {}
    for name in Request.model_fields:
        if name not in raw:
            continue
        value: Any = raw[name]
        if name in _TIMES:
            value = datetime.fromtimestamp(float(value), UTC)
        elif name in _MODELS or name in _LISTS:
            value = _adapter(name).validate_json(value)
        data[name] = value
    return Request.model_validate(data)


def check_transition(from_states: Collection[RequestState], to_state: RequestState) -> None:
    """Raise ``ValueError`` unless every ``from_states`` -> ``to_state`` is in ``TRANSITIONS``."""
    if not from_states:
        raise ValueError("from_states is empty")
    bad = [s for s in from_states if to_state not in TRANSITIONS[s]]
    if bad:
        raise ValueError(f"not a transition of the request state machine: {bad} -> {to_state}")


def recorded_by(to_state: RequestState, actor: str, now: float) -> dict[str, Any]:
    """The fields a transition into ``to_state`` records about who did it and when."""
    when = datetime.fromtimestamp(now, UTC)
    if to_state == "FIX_REQUESTED":
        return {"fix_requested_by": actor, "requested_at": when}
    if to_state in ("APPROVED", "DENIED"):
        return {"approver": actor, "decided_at": when}
    return {}
