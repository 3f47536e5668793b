"""The decode modal's submission: validate inline, explain after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import slack_ids
from bot.observability.metrics import COMMANDS
from bot.replies import Origin
from bot.wiring import Services


def _selected(values: dict[str, Any], block: str, action: str) -> str | None:
    option = ((values.get(block) or {}).get(action) or {}).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def register(app: App, services: Services) -> None:
    @app.view(slack_ids.MODAL_CALLBACK)
    def decode_modal(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        block = values.get(slack_ids.MODAL_TEXT_BLOCK) or {}
        text = ((block.get(slack_ids.MODAL_TEXT_ACTION) or {}).get("value") or "").strip()
        if not text:
            ack(
                response_action="errors",
                errors={slack_ids.MODAL_TEXT_BLOCK: "Paste an error first."},
            )
            return
        ack()
        # no channel (opened from a DM or the App Home): answer in a DM with the asker
        channel_id = view.get("private_metadata") or body["user"]["id"]
        origin = Origin(
            user_id=body["user"]["id"],
            channel_id=channel_id,
            reply=services.config.channel(channel_id).reply,
        )
        account = _selected(values, slack_ids.MODAL_ACCOUNT_BLOCK, slack_ids.MODAL_ACCOUNT_ACTION)
        region = _selected(values, slack_ids.MODAL_REGION_BLOCK, slack_ids.MODAL_REGION_ACTION)
        COMMANDS.labels(entry="modal").inc()
        services.work.submit(
            services.conversation.explain,
            text,
            origin,
            account,
            region,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
