"""Slack retries (``X-Slack-Retry-Num``) and duplicate deliveries never produce a second answer.

Each delivery is claimed once in Redis by its identity (trigger id, event id, or a hash of the
body); a second delivery of the same thing is acked and dropped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.errors import StateUnavailable
from bot.state import claim_once
from bot.wiring import Services

logger = logging.getLogger(__name__)

#: how long a delivery is remembered: Slack retries within minutes
DEDUP_SECONDS = 15 * 60


def delivery_key(body: dict[str, Any], raw_body: str) -> str:
    """What makes two deliveries the same request."""
    actions = body.get("actions") or [{}]
    for key in (body.get("event_id"), body.get("trigger_id")):
        if key:
            return f"{key}:{actions[0].get('action_id', '')}:{actions[0].get('action_ts', '')}"
    return hashlib.sha256(raw_body.encode()).hexdigest()


def register(app: App, services: Services) -> None:
    @app.middleware
    def deduplicate(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        key = f"{services.prefix}:dedup:{delivery_key(req.body, req.raw_body)}"
        try:
            first = claim_once(services.redis, key, DEDUP_SECONDS)
        except StateUnavailable:
            # answering twice beats not answering; state changes stay atomic on their own
            logger.warning("Redis unavailable: cannot check for a duplicate delivery")
            first = True
        if first:
            return next()
        retry = (req.headers.get("x-slack-retry-num") or [""])[0]
        logger.info("dropped a duplicate delivery (retry %s)", retry or "none")
        return BoltResponse(status=200, body="")
