"""The shape every fix-flow button shares: ack, then run one FixFlow step after the ack."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.replies import Origin
from bot.wiring import Services

Step = Callable[[str, str, Origin], None]


def register_button(
    app: App, services: Services, action_id: str | re.Pattern[str], step: Callable[[], Step]
) -> None:
    """Route ``action_id`` clicks to ``step()(value, user_id, origin)`` in the work pool.

    ``step`` is looked up per click so tests and the composition root can swap services.
    """

    @app.action(action_id)
    def fix_button(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        origin = services.fix_flow.origin_of(body)
        services.work.submit(
            step(),
            str(action.get("value", "")),
            body["user"]["id"],
            origin,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
