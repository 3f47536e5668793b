"""Every Slack identifier the bot uses, defined once and imported by builders and handlers alike.

Buttons that act on a request carry a value built by ``encode_value``: a version tag, the request
id and the remedy id. Slack signs the payload, but the handler still treats the value as untrusted
input: ``decode_value`` rejects anything that is not exactly what ``encode_value`` produces, and
the handler re-reads the request before acting.
"""

from __future__ import annotations

import re
from typing import Final

# Entry points
COMMAND: Final = "/decode-backup-error"
SHORTCUT_CALLBACK: Final = "explain_backup_error"
MODAL_CALLBACK: Final = "decode_backup_error_modal"

# The decode modal: block ids and action ids read back from ``view.state.values``
MODAL_TEXT_BLOCK: Final = "error_text"
MODAL_TEXT_ACTION: Final = "error_text_input"
MODAL_ACCOUNT_BLOCK: Final = "account"
MODAL_ACCOUNT_ACTION: Final = "account_select"
MODAL_REGION_BLOCK: Final = "region"
MODAL_REGION_ACTION: Final = "region_select"

# Buttons on the diagnosis card. Several remedy buttons share one message, and Slack wants each
# action_id unique there, so each gets ``request_fix:<n>``; handlers match ``REQUEST_FIX_PATTERN``.
ACTION_REQUEST_FIX: Final = "request_fix"
REQUEST_FIX_PATTERN: Final = re.compile(r"^request_fix(:\d{1,2})?$")
ACTION_SHOW_DECODED: Final = "show_decoded"

# Buttons on the approval card and on the worker's outcome messages
ACTION_APPROVE: Final = "approve_fix"
ACTION_DENY: Final = "deny_fix"
ACTION_RETRY: Final = "retry_fix"
ACTION_REVERT: Final = "revert_fix"

# After a grant made with no job known: ask for the failed restore's job ID in a modal
ACTION_RERUN_ASK: Final = "rerun_ask_job"
RERUN_MODAL_CALLBACK: Final = "rerun_restore_modal"
RERUN_JOB_BLOCK: Final = "rerun_job"
RERUN_JOB_ACTION: Final = "rerun_job_input"

# Link buttons: Slack still sends a block_actions event for them, which handlers just ack.
ACTION_OPEN_JOB: Final = "open_console_job"
ACTION_OPEN_ROLE: Final = "open_console_role"
ACTION_OPEN_AUTHORIZATION: Final = "open_console_authorization"
ACTION_OPEN_TRAIL: Final = "open_console_trail"
LINK_ACTION_PATTERN: Final = re.compile(r"^open_console_(job|role|authorization|trail)$")

# block_id prefixes, completed with the request id by ``block_id``
BLOCK_REMEDIES: Final = "remedies"
BLOCK_DECISION: Final = "decision"
BLOCK_OUTCOME: Final = "outcome"

_VALUE_VERSION = "v1"
_SEPARATOR = "|"
_ID = re.compile(r"[A-Za-z0-9_.:-]+")
#: longest request id or remedy id a button value may carry
MAX_ID_LENGTH: Final = 128
#: Slack rejects a button value of 2000 characters or more; ours stay far below that
MAX_VALUE_LENGTH: Final = len(_VALUE_VERSION) + 2 * len(_SEPARATOR) + 2 * MAX_ID_LENGTH


class InvalidActionValue(ValueError):
    """A button value that ``encode_value`` could not have produced (tampered, old or cut)."""


def is_valid_id(value: str, *, allow_empty: bool = False) -> bool:
    """True when ``value`` can travel in a button value (letters, digits, ``_.:-``, capped)."""
    if not value:
        return allow_empty
    return len(value) <= MAX_ID_LENGTH and _ID.fullmatch(value) is not None


def encode_value(request_id: str, remedy_id: str) -> str:
    """The button value for a request and a remedy (``remedy_id`` "" means the whole request)."""
    if not is_valid_id(request_id):
        raise InvalidActionValue(f"unusable request id: {request_id[:40]!r}")
    if not is_valid_id(remedy_id, allow_empty=True):
        raise InvalidActionValue(f"unusable remedy id: {remedy_id[:40]!r}")
    return _SEPARATOR.join((_VALUE_VERSION, request_id, remedy_id))


def decode_value(value: str) -> tuple[str, str]:
    """``(request_id, remedy_id)`` from a button value; raises ``InvalidActionValue`` otherwise."""
    if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
        raise InvalidActionValue("button value missing or too long")
    parts = value.split(_SEPARATOR)
    if len(parts) != 3 or parts[0] != _VALUE_VERSION:
        raise InvalidActionValue("button value has an unknown shape")
    _, request_id, remedy_id = parts
    if not is_valid_id(request_id) or not is_valid_id(remedy_id, allow_empty=True):
        raise InvalidActionValue("button value holds an unusable id")
    return request_id, remedy_id


def request_fix_action_id(index: int) -> str:
    """The action_id of the ``index``-th remedy button on one card (``request_fix:0`` ...)."""
    if not 0 <= index < 100:
        raise ValueError(f"remedy button index out of range: {index}")
    return f"{ACTION_REQUEST_FIX}:{index}"


def block_id(prefix: str, request_id: str) -> str:
    """A block id that tells handlers which request a block belongs to (capped at Slack's 255)."""
    return f"{prefix}:{request_id}"[:255]
