"""The composition root: the Bolt app with every listener registered on it.

The services come from ``bot.wiring.build_web``; nothing here runs at import time.
"""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.wiring import Services
from handlers import register_all

logger = logging.getLogger(__name__)


def create_app(services: Services, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener registered.

    Listeners ack inline (``process_before_response``) and hand slow work to ``services.work``, so
    acks never wait behind slow work. Socket Mode connections are not signed, so request
    verification is only on for HTTP.
    """
    settings = services.settings
    secret = settings.slack_signing_secret
    bolt_logger = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _TokenFromClientFilter) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenFromClientFilter())
    app = App(
        client=services.slack,
        signing_secret=secret.get_secret_value() if secret else None,
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        logger=bolt_logger,
    )
    register_all(app, services)
    return app


class _TokenFromClientFilter(logging.Filter):
    """Drop Bolt's "token will be unused" warning, which is wrong for us.

    Bolt reads SLACK_BOT_TOKEN from the environment by itself even when given a client, then warns
    that the token is unused; the client we give it carries that same token.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()
