"""Structured logs: one JSON object per line on stderr, each with the request id, secrets masked.

The request id lives in a context variable, so it follows the work through
``bot.after_ack.WorkPool`` (which runs tasks in a copy of the caller's context) and is bound
again by rq jobs from the request they act on. Redaction runs twice on purpose: a filter
rewrites the message and its arguments (so any handler added later gets clean text), and the
formatter scrubs every field of the final record (extras, tracebacks, stack info).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from bot.observability.redaction import redact_text, redact_value

#: the id of the Slack request, fix request or job being handled; None outside any request
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

#: record attributes every line carries, and the names they get in the JSON (plus ``timestamp``)
LOG_FIELDS = ("levelname", "name", "message", "request_id")
RENAMED_FIELDS = {"levelname": "level", "name": "logger"}


@contextmanager
def bind_request_id(value: str | None = None) -> Iterator[str]:
    """Tag every log line in this block (and work it hands to the pool) with ``value``.

    With no value a fresh random id is made; the id is yielded so it can be returned to callers.
    """
    request_id = value or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        yield request_id
    finally:
        request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Copies the current request id onto the record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RedactionFilter(logging.Filter):
    """Replaces the message and its arguments with a masked rendering of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # a bad format string: keep the raw parts, masked, rather than lose the line
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact_text(message)
        record.args = None
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines whose every field (extras and tracebacks included) has secrets masked."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: redact_value(value, key) for key, value in log_data.items()}

    def formatException(self, ei: Any) -> str:
        return redact_text(logging.Formatter.formatException(self, ei))

    def formatStack(self, stack_info: str) -> str:
        return redact_text(logging.Formatter.formatStack(self, stack_info))


def json_formatter() -> RedactingJsonFormatter:
    """The formatter every handler of this process uses."""
    return RedactingJsonFormatter(
        list(LOG_FIELDS),
        rename_fields=RENAMED_FIELDS,
        timestamp=True,
    )


def configure_logging(level: str) -> None:
    """Send every logger's records to stderr as redacted JSON lines carrying the request id.

    Replaces the root logger's handlers, so calling it twice is harmless. ``level`` is a
    logging level name (``Settings.log_level``), case-insensitive.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactionFilter())
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
