"""The last listeners: every signed request Slack sends gets a 2xx, even one nothing handles.

Bolt answers 404 to a request no listener matches. Slack then shows a click as failed, retries an
event, and turns an app's events off when they keep failing. So, registered after every other
listener (Bolt runs the first that matches): ack anything, log it once with its kind and ids,
count it, and tell the person who clicked a button from an older card that it is out of date.
Unsigned or forged requests never get here: Bolt's verification answers them 401 first.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient

from bot.observability.metrics import UNHANDLED
from bot.wiring import Services

logger = logging.getLogger(__name__)

ANY = re.compile(r".*", re.DOTALL)
STALE_CARD = (
    "This card is out of date: I no longer know this button. Run `/decode-backup-error` again "
    "for a fresh card."
)


def register(app: App, services: Services) -> None:
    @app.action(ANY)
    @app.action({"type": "interactive_message", "callback_id": ANY})
    def stale_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        _note(
            body, "action", action.get("action_id") or action.get("name") or body.get("callback_id")
        )
        url = body.get("response_url")
        if url:
            services.work.submit(lambda: _tell(url))

    @app.event(ANY)
    def unhandled_event(body: dict[str, Any]) -> None:
        # Bolt acks events itself once a listener matches
        _note(body, "event", (body.get("event") or {}).get("type"))

    @app.view(ANY)
    @app.view({"type": "view_closed", "callback_id": ANY})
    def unhandled_view(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _note(body, body.get("type") or "view", (body.get("view") or {}).get("callback_id"))

    @app.shortcut(ANY)
    def unhandled_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _note(body, "shortcut", body.get("callback_id"))

    @app.options(ANY)
    def unhandled_options(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=[])
        _note(body, "options", body.get("action_id") or body.get("callback_id"))

    @app.command(ANY)
    def unhandled_command(ack: Ack, body: dict[str, Any]) -> None:
        ack(text=f"I don't know the command {body.get('command', '')}; try /decode-backup-error.")
        _note(body, "command", body.get("command"))


def _note(body: dict[str, Any], kind: str, name: object) -> None:
    UNHANDLED.labels(kind=kind).inc()
    team = (body.get("team") or {}).get("id") or body.get("team_id")
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    logger.info(
        "no listener for this %s (%s): answered 200; team %s, user %s, type %s",
        kind,
        str(name or "-")[:120],
        team or "-",
        user or "-",
        body.get("type", "-"),
    )


def _tell(url: str) -> None:
    try:
        WebhookClient(url, timeout=10).send(
            text=STALE_CARD, response_type="ephemeral", replace_original=False
        )
    except Exception:  # the click is acked already; the note is a courtesy
        logger.warning("could not tell the clicker the card is out of date", exc_info=True)
