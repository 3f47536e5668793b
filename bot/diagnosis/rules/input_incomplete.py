"""An abridged decoded message: say that missing facts are unknown, not absent.

(A cut encoded message has its own finding, ``ENCODED_MESSAGE_CUT`` in ``unread_message``.)"""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext


def check(ctx: RuleContext) -> list[Hit]:
    """INPUT_INCOMPLETE when the parser saw an abridged decoded message."""
    if ctx.parsed.decoded_partial:
        return [Hit("INPUT_INCOMPLETE")]
    return []
