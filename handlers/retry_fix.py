"""Retry a failed fix; approval rules apply again."""

from __future__ import annotations

from slack_bolt import App

from bot import slack_ids
from bot.wiring import Services
from handlers.fix_button import register_button


def register(app: App, services: Services) -> None:
    register_button(app, services, slack_ids.ACTION_RETRY, lambda: services.fix_flow.retry)
