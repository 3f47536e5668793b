"""Tell the app about every AWS API call (for metrics and the benchmarks' call counts)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import boto3

logger = logging.getLogger(__name__)

#: ``on_call(service, operation, error_code_or_None)``, called after every AWS API call
CallHook = Callable[[str, str, str | None], None]


def register_call_hook(session: boto3.Session, on_call: CallHook) -> None:
    """Call ``on_call(service, operation, error)`` after every API call of ``session``'s clients.

    Only clients created after registration see it (botocore copies the events into each client).
    """
    events = session.events
    events.register("after-call", _after_call(on_call), unique_id=f"bd-after-call-{id(on_call)}")
    events.register(
        "after-call-error", _after_call_error(on_call), unique_id=f"bd-after-error-{id(on_call)}"
    )


def _after_call(on_call: CallHook) -> Callable[..., None]:
    def handler(event_name: str, http_response: Any = None, parsed: Any = None, **_: Any) -> None:
        code = None
        status = getattr(http_response, "status_code", 200)
        if status >= 300:
            code = str((parsed or {}).get("Error", {}).get("Code") or status)
        _notify(on_call, event_name, code)

    return handler


def _after_call_error(on_call: CallHook) -> Callable[..., None]:
    def handler(event_name: str, exception: BaseException | None = None, **_: Any) -> None:
        _notify(on_call, event_name, type(exception).__name__ if exception else "Error")

    return handler


def _notify(on_call: CallHook, event_name: str, code: str | None) -> None:
    _, service, operation = [*event_name.split(".", 2), "", ""][:3]
    try:
        on_call(service, operation, code)
    except Exception:
        # A metrics hook must never fail the AWS call it observes.
        logger.exception("on_call hook failed for %s.%s", service, operation)
