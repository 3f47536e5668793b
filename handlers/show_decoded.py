""" "Show decoded message": the full decoded JSON, to the person who asked and nobody else."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import slack_ids
from bot.wiring import Services


def register(app: App, services: Services) -> None:
    @app.action(slack_ids.ACTION_SHOW_DECODED)
    def show_decoded(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        origin = services.fix_flow.origin_of(body)
        services.work.submit(
            services.fix_flow.show_decoded,
            action.get("value", ""),
            body["user"]["id"],
            body["trigger_id"],
            origin,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
