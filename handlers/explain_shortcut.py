"""Message shortcut "Explain backup error": explain any message, answering in its thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import slack_ids
from bot.observability.metrics import COMMANDS
from bot.replies import Origin
from bot.wiring import Services


def message_text(message: dict[str, Any]) -> str:
    """The message's text plus its attachments' texts (bots often put errors there)."""
    parts = [message.get("text") or ""]
    for attachment in message.get("attachments") or []:
        parts += [attachment.get(k) or "" for k in ("pretext", "title", "text", "fallback")]
        parts += [f.get("value") or "" for f in attachment.get("fields") or []]
    return "\n".join(p for p in parts if p)


def register(app: App, services: Services) -> None:
    @app.shortcut(slack_ids.SHORTCUT_CALLBACK)
    def explain_shortcut(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        origin = Origin(
            user_id=shortcut["user"]["id"],
            channel_id=channel_id,
            thread_ts=message.get("thread_ts") or message.get("ts"),
            response_url=shortcut.get("response_url"),
            reply=services.config.channel(channel_id).reply,
        )
        COMMANDS.labels(entry="shortcut").inc()
        services.work.submit(
            services.conversation.explain,
            message_text(message),
            origin,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
