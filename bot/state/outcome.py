"""What a refused transition tells the user: who already decided, and what to do now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot import audit
from bot.errors import StaleAction
from bot.models import RequestState
from bot.state.redis_errors import text
from bot.state.request import Request, from_hash

MISSING = ("This request expired or does not exist.", "Run the command again to start a new one.")
EXPIRED_MESSAGE = "This fix request expired: nobody approved it in time."
AGAIN = "Request the fix again from the diagnosis."
EXPIRY_DETAILS = {"reason": "approval timed out"}
_NOW = {
    "QUEUED": "it is queued",
    "RUNNING": "it is running",
    "SUCCEEDED": "it has finished",
    "FAILED": "it failed; a retry needs a fresh click",
    "REVERTED": "it has since been reverted",
}


class RequestMoved(StaleAction):
    """The request is no longer where the button expected it; ``request`` is where it is now."""

    def __init__(self, user_message: str, next_step: str, request: Request | None) -> None:
        super().__init__(user_message, next_step)
        self.request = request


def finish(
    reply: Sequence[bytes | str],
    actor: str,
    to_state: RequestState,
    extras: Mapping[str, str],
    approval_timeout_seconds: float,
) -> Request:
    """The request after a transition script ran, or the error that says why it did not move."""
    status, from_state, *flat = (text(part) for part in reply)
    request = from_hash(dict(zip(flat[::2], flat[1::2], strict=True))) if flat else None
    if status == "expired" and request is not None:
        audit.log_event(transition_event(request, "system", from_state, EXPIRY_DETAILS))
    if status not in ("ok", "done") or request is None:
        raise outcome_error(status, request, actor, to_state, approval_timeout_seconds)
    if status == "ok":  # "done": a client retry of a transition already made and logged
        audit.log_event(transition_event(request, actor, from_state, extras))
    return request


def transition_event(
    request: Request, actor: str, from_state: str, extras: Mapping[str, str]
) -> dict[str, str]:
    """The audit record of a transition just made, as the stream holds it."""
    event = {
        "request": request.id,
        "actor": actor,
        "at": request.updated_at.isoformat(),
        "from": from_state,
        "to": request.state,
        "account_id": request.account_id,
        "region": request.region,
    }
    optional = {"fix": request.fix, "remedy_id": request.remedy_id}
    optional["policy_sha256"] = request.policy_sha256
    return event | {k: v for k, v in optional.items() if v} | dict(extras)


def outcome_error(
    status: str,
    request: Request | None,
    actor: str,
    to_state: RequestState,
    approval_timeout_seconds: float,
) -> StaleAction:
    """The error for a transition the script refused (``status`` is the script's verdict)."""
    if request is None:
        return RequestMoved(*MISSING, None)
    hours = f"{approval_timeout_seconds / 3600:g}"
    if status == "expired":
        return RequestMoved(f"{EXPIRED_MESSAGE} (the limit is {hours} hours)", AGAIN, request)
    if status == "approval_stale":
        message = f"The approval by <@{request.approver}> is more than {hours} hours old"
        return RequestMoved(f"{message}, so it does not cover a retry.", AGAIN, request)
    if status == "not_due":
        return RequestMoved("This fix request is still waiting within its time.", "", request)
    return RequestMoved(_moved_message(request, to_state), "", request)


def _moved_message(request: Request, to_state: RequestState) -> str:
    who = f"<@{request.approver}> at {slack_time(request.decided_at)}"
    state = request.state
    if state == "DIAGNOSED":
        return "No fix has been requested for this diagnosis yet."
    if state == "FIX_REQUESTED":
        if to_state == "FIX_REQUESTED":
            asked = slack_time(request.requested_at)
            return f"A fix was already requested by <@{request.fix_requested_by}> at {asked}."
        return "This fix is still waiting for approval."
    if state == "DENIED":
        return f"Already denied by {who}."
    if state == "EXPIRED":
        return f"{EXPIRED_MESSAGE} {AGAIN}"
    if state == "APPROVED":
        return f"Already approved by {who}."
    return f"Already approved by {who}; {_NOW[state]}."


def slack_time(moment: datetime | None) -> str:
    """A time Slack shows in each reader's time zone, with a UTC fallback for old clients."""
    if moment is None:
        return "an unknown time"
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment:%H:%M} UTC>"
