"""Ask to revert a finished grant: removes exactly the policy the bot added."""

from __future__ import annotations

from slack_bolt import App

from bot import slack_ids
from bot.wiring import Services
from handlers.fix_button import register_button


def register(app: App, services: Services) -> None:
    register_button(
        app, services, slack_ids.ACTION_REVERT, lambda: services.fix_flow.request_revert
    )
