"""The two read-only lookups moto lacks: IAM Access Troubleshooter and CloudTrail ``LookupEvents``.

``iam-toolbox`` ``GetRequestAuthorizationDetails`` answers seeded details only to the account
and Region they were seeded for (AWS: "the call is made in the Region where the denial
occurred", by the same account or organization), and only once they are visible (AWS's details
can lag the error); otherwise ``ResourceNotFoundException``. Evaluations come in pages of
``PAGE_SIZE`` so the bot's paging is exercised (``requestContext`` and ``policies`` are required
members of every page, so each page repeats them).

``cloudtrail`` ``LookupEvents`` answers seeded events of the caller's account and Region that
match the one lookup attribute (``EventName`` or ``Username``) and the time window, newest first,
in pages of ``MaxResults``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.support.aws_standin_state import AuthorizationDetails, StandinState, TrailEvent, visible
from tests.support.aws_standin_wire import (
    AwsError,
    Call,
    WireResponse,
    success_response,
    to_datetime,
)

#: evaluations per GetRequestAuthorizationDetails page
PAGE_SIZE = 2
_NOT_FOUND = "The requested authorization details do not exist in this region or have expired."


class Lookups:
    """Seeded authorization details and trail events, and the operations that read them."""

    def __init__(self, state: StandinState) -> None:
        self._state = state

    @property
    def handlers(self) -> dict[tuple[str, str], Any]:
        """(service, operation) -> handler."""
        return {
            ("iam-toolbox", "GetRequestAuthorizationDetails"): self.authorization_details,
            ("cloudtrail", "LookupEvents"): self.lookup_events,
        }

    # --- seeding ---------------------------------------------------------------------------------

    def seed_authorization(
        self,
        authorization_id: str,
        details: dict[str, Any],
        account: str | None = None,
        region: str | None = None,
        delay_seconds: float = 0.0,
    ) -> None:
        """Make ``authorization_id`` answer ``details`` (GetRequestAuthorizationDetails output)."""
        json.dumps(details)
        with self._state.lock:
            self._state.authorizations[authorization_id] = AuthorizationDetails(
                details, account, region, self._state.clock() + delay_seconds
            )
            self._state.save()

    def seed_trail_event(
        self, event: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> None:
        """Add a CloudTrail record (needs ``eventID``, ``eventName``, ``eventTime``)."""
        for key in ("eventID", "eventName", "eventTime"):
            if key not in event:
                raise ValueError(f"a CloudTrail record needs {key}")
        with self._state.lock:
            self._state.trail_events.append(TrailEvent(event, account, region))
            self._state.save()

    # --- the operations --------------------------------------------------------------------------

    def authorization_details(self, call: Call) -> WireResponse:
        """``iam-toolbox:GetRequestAuthorizationDetails``."""
        with self._state.lock:
            entry = self._state.authorizations.get(call.params["authorizationId"])
            now = self._state.clock()
        if (
            entry is None
            or not visible(entry.account, entry.region, call.account, call.region)
            or now < entry.visible_at
        ):
            raise AwsError("ResourceNotFoundException", _NOT_FOUND, 404)
        evaluations = list(entry.details.get("evaluations", []))
        start = int(call.params.get("nextToken") or 0)
        page = {k: v for k, v in entry.details.items() if k != "evaluations"}
        page["evaluations"] = evaluations[start : start + PAGE_SIZE]
        if start + PAGE_SIZE < len(evaluations):
            page["nextToken"] = str(start + PAGE_SIZE)
        return success_response("iam-toolbox", "GetRequestAuthorizationDetails", page)

    def lookup_events(self, call: Call) -> WireResponse:
        """``cloudtrail:LookupEvents`` (EventName and Username attributes)."""
        attributes = call.params.get("LookupAttributes", [])
        if len(attributes) > 1:
            raise AwsError("InvalidLookupAttributesException", "Only one lookup attribute.")
        start = _utc(call.params.get("StartTime"), datetime.min.replace(tzinfo=UTC))
        end = _utc(call.params.get("EndTime"), datetime.max.replace(tzinfo=UTC))
        with self._state.lock:
            events = [
                e.event
                for e in self._state.trail_events
                if visible(e.account, e.region, call.account, call.region)
            ]
        chosen = [
            e
            for e in events
            if start <= to_datetime(e["eventTime"]) <= end
            and all(_matches(e, a) for a in attributes)
        ]
        chosen.sort(key=lambda e: to_datetime(e["eventTime"]), reverse=True)
        size = int(call.params.get("MaxResults") or 50)
        offset = int(call.params.get("NextToken") or 0)
        body: dict[str, Any] = {"Events": [_listed(e) for e in chosen[offset : offset + size]]}
        if offset + size < len(chosen):
            body["NextToken"] = str(offset + size)
        return success_response("cloudtrail", "LookupEvents", body)


def _matches(event: dict[str, Any], attribute: dict[str, str]) -> bool:
    key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
    if key == "EventName":
        return bool(event.get("eventName") == value)
    if key == "Username":
        return bool(_username(event) == value)
    if key == "EventId":
        return bool(event.get("eventID") == value)
    raise AwsError("InvalidLookupAttributesException", f"The stand-in does not filter on {key}.")


def _username(event: dict[str, Any]) -> str | None:
    identity = event.get("userIdentity") or {}
    arn = str(identity.get("arn") or "")
    return arn.rsplit("/", 1)[-1] if arn else None


def _listed(event: dict[str, Any]) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "EventId": event["eventID"],
        "EventName": event["eventName"],
        "EventTime": to_datetime(event["eventTime"]),
        "EventSource": event.get("eventSource", "ec2.amazonaws.com"),
        "ReadOnly": "false",
        "CloudTrailEvent": json.dumps(event),
    }
    username = _username(event)
    if username:
        listed["Username"] = username
    return listed


def _utc(value: Any, default: datetime) -> datetime:
    return to_datetime(value) if value is not None else default
