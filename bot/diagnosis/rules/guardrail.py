"""An implicit deny by a policy that caps permissions (SCP, boundary, session, endpoint, ...)."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details


def check(ctx: RuleContext) -> list[Hit]:
    """NOT_ALLOWED_BY_GUARDRAIL: the capping policy must allow it; a role Allow would not help."""
    if ctx.explicit_deny is True or ctx.policy_type in (None, "identity"):
        return []
    details = base_details(ctx) | {"sid": "none: nothing in it allows the action"}
    return [Hit("NOT_ALLOWED_BY_GUARDRAIL", details)]
