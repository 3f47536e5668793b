"""Every log line of a Slack request, and of the work it starts, carries one request id."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse

from bot.observability.logs import bind_request_id
from bot.wiring import Services

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.middleware
    def request_context(
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        # the work pool copies this context, so the slow part logs the same id
        with bind_request_id():
            logger.info(
                "slack %s from %s",
                req.body.get("command") or req.body.get("type") or "request",
                (req.context.user_id or "unknown"),
            )
            return next()
