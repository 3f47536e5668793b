"""Slack listeners, one module per listener, each with ``register(app, services)``."""

from __future__ import annotations

from slack_bolt import App

from bot.wiring import Services
from handlers import (
    app_errors,
    approve_fix,
    decode_command,
    decode_modal,
    deduplicate,
    deny_fix,
    explain_shortcut,
    link_buttons,
    request_context,
    request_fix,
    rerun_restore,
    retry_fix,
    revert_fix,
    show_decoded,
    unhandled,
)

#: registration order matters for middleware (duplicates are dropped before any listener) and for
#: ``unhandled``, whose catch-all listeners must come after every real one (the first match runs)
MODULES = (
    request_context,
    deduplicate,
    app_errors,
    decode_command,
    explain_shortcut,
    decode_modal,
    show_decoded,
    request_fix,
    approve_fix,
    deny_fix,
    retry_fix,
    revert_fix,
    rerun_restore,
    link_buttons,
    unhandled,  # last: the catch-all listeners, after every real one
)


def register_all(app: App, services: Services) -> None:
    """Register every listener and middleware on ``app``."""
    for module in MODULES:
        module.register(app, services)
