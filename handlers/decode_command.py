"""``/decode-backup-error [text]``: ack at once, explain after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import blocks, slack_ids
from bot.observability.metrics import COMMANDS
from bot.replies import Origin
from bot.wiring import Services

HELP_WORDS = {"help", "-h", "--help", "?"}


def register(app: App, services: Services) -> None:
    @app.command(slack_ids.COMMAND)
    def decode_command(ack: Ack, command: dict[str, Any]) -> None:
        text = (command.get("text") or "").strip()
        channel_id = command.get("channel_id", "")
        if text.lower() in HELP_WORDS or (not text and channel_id.startswith("D")):
            ack(response_type="ephemeral", blocks=blocks.usage_blocks(), text="How to use me")
            return
        if not text:
            ack()
            view = blocks.decode_modal(services.config.accounts, channel_id=channel_id)
            trigger_id = command["trigger_id"]
            services.work.submit(
                lambda: services.slack.views_open(trigger_id=trigger_id, view=view)
            )
            return
        ack(response_type="ephemeral", blocks=blocks.looking_at_it(), text="Looking at it…")
        origin = Origin(
            user_id=command["user_id"],
            channel_id=channel_id,
            response_url=command.get("response_url"),
            reply=services.config.channel(channel_id).reply,
        )
        COMMANDS.labels(entry="slash_command").inc()
        services.work.submit(
            services.conversation.explain,
            text,
            origin,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
