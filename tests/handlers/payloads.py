"""Interactivity payloads shaped as Slack sends them (the fields the bot reads, and a few more)."""

from __future__ import annotations

from typing import Any

from tests.handlers.conftest import CHANNEL


def message_action(
    text: str, user: str, *, ts: str = "1700000500.000100", **message: Any
) -> dict[str, Any]:
    """A message shortcut on a message in ``CHANNEL``."""
    return {
        "type": "message_action",
        "callback_id": "explain_backup_error",
        "trigger_id": f"trigger-{ts}-{user}",
        "team": {"id": "T0001"},
        "user": {"id": user},
        "channel": {"id": CHANNEL},
        "message": {"type": "message", "text": text, "ts": ts, **message},
        "response_url": "http://127.0.0.1:9/never",
        "action_ts": "1700000600.000001",
    }


def view_submission(
    values: dict[str, Any],
    user: str,
    channel: str = CHANNEL,
    *,
    callback_id: str = "decode_backup_error_modal",
    private_metadata: str | None = None,
) -> dict[str, Any]:
    """A modal (the decode modal unless told) submitted with ``values`` (``view.state.values``).

    ``private_metadata`` defaults to ``channel``, as the decode modal carries it.
    """
    return {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": user},
        "trigger_id": f"trigger-view-{user}",
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": channel if private_metadata is None else private_metadata,
            "state": {"values": values},
        },
    }


def block_action(
    action_id: str, value: str, user: str, message_ts: str, thread_ts: str, response_url: str
) -> dict[str, Any]:
    """A button click on a message in a thread of ``CHANNEL``."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": user},
        "trigger_id": f"trigger-{action_id}-{user}-{message_ts}",
        "channel": {"id": CHANNEL},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": CHANNEL},
        "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "remedies",
                "value": value,
                "action_ts": f"{message_ts}-{user}",
            }
        ],
    }
