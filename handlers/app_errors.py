"""The one error handler: log with the traceback, tell the user something useful."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.wiring import Services

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.error
    def app_errors(error: Exception, body: dict[str, Any]) -> BoltResponse:
        logger.exception("listener failed", exc_info=error)
        return BoltResponse(
            status=200,
            body={
                "response_type": "ephemeral",
                "text": "Something went wrong on my side. Try again in a minute; "
                "if it keeps failing, the bot's logs have the details.",
            },
        )
