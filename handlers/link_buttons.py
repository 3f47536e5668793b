"""Console link buttons: Slack opens the URL itself and still sends an action; just ack it."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot import slack_ids
from bot.wiring import Services


def register(app: App, services: Services) -> None:
    @app.action(slack_ids.LINK_ACTION_PATTERN)
    def link_buttons(ack: Ack) -> None:
        ack()
