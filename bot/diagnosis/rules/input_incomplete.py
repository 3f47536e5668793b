"""A cut or abridged input: say that missing facts are unknown, not absent."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext


def check(ctx: RuleContext) -> list[Hit]:
    """INPUT_INCOMPLETE when the parser saw a truncated blob or an abridged decoded message."""
    if ctx.parsed.truncated or ctx.parsed.decoded_partial:
        return [Hit("INPUT_INCOMPLETE")]
    return []
