"""The audit trail: who moved which request from what to what, and which policy it concerned.

Events are appended to a Redis stream by the transition script (atomically with the change) and
logged as structured records on the ``bot.audit`` logger, which is the long-term record: the
stream is capped to a recent window. Events never hold credentials, only ids, names and policies.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any, cast

from redis import Redis

from bot.models import FixPlan

logger = logging.getLogger("bot.audit")

#: fields the transition script writes itself; extras may not overwrite them
BASE_FIELDS = frozenset(
    {"request", "actor", "at", "from", "to", "account_id", "region", "fix", "remedy_id"}
    | {"policy_sha256"}
)
_Page = list[tuple[bytes | str, dict[bytes | str, bytes | str]]]
#: events read per XRANGE call when scanning the stream
PAGE = 500


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: the same document always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def policy_sha256(policy: Mapping[str, Any]) -> str:
    """A stable fingerprint of a policy document, shown to approvers and kept in every event."""
    return hashlib.sha256(canonical_json(policy).encode()).hexdigest()


def plan_sha256(plan: FixPlan) -> str:
    """A fingerprint of exactly what a plan will do: target, documents, re-run parameters.

    The simulator's verdicts are evidence shown beside the plan, not part of what it does.
    """
    content = plan.model_dump(mode="json", exclude={"simulation_before", "simulation_after"})
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def plan_fields(plan: FixPlan) -> dict[str, str]:
    """What a plan will change, for the event that records the fix request."""
    fields = {"summary": plan.summary, "plan_sha256": plan_sha256(plan)}
    if plan.role_arn:
        fields |= {
            "role_arn": plan.role_arn,
            "policy_name": plan.policy_name or "",
            "policy_before": canonical_json(plan.current_inline_policies),
            "policy_after": canonical_json(plan.policies_after()),
        }
    if plan.restore_params is not None:
        fields["restore_params"] = canonical_json(plan.restore_params)
    return fields


def extra_fields(details: Mapping[str, Any]) -> dict[str, str]:
    """Caller-supplied event details as stream fields (strings as they are, the rest as JSON)."""
    clash = BASE_FIELDS & details.keys()
    if clash:
        raise ValueError(f"audit details may not overwrite {sorted(clash)}")
    return {k: v if isinstance(v, str) else canonical_json(v) for k, v in details.items()}


def log_event(event: Mapping[str, str]) -> None:
    """Emit one transition on the ``bot.audit`` logger with every field as a structured extra."""
    extra = {f"audit_{key}": value for key, value in event.items()}
    logger.info(
        "request %s: %s -> %s by %s",
        event.get("request"),
        event.get("from"),
        event.get("to"),
        event.get("actor"),
        extra={"event": "request_transition", **extra},
    )


def read_events(redis: Redis, stream: str, request_id: str | None = None) -> list[dict[str, str]]:
    """Every event in the stream, oldest first, or only those of one request (with ``id``)."""
    events: list[dict[str, str]] = []
    start = "-"
    while True:
        page = cast(_Page, redis.xrange(stream, min=start, max="+", count=PAGE))
        for entry_id, fields in page:
            event = {_text(k): _text(v) for k, v in fields.items()}
            if request_id is None or event.get("request") == request_id:
                events.append({"id": _text(entry_id), **event})
        if len(page) < PAGE:
            return events
        start = "(" + _text(page[-1][0])


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
