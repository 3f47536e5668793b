"""A deny statement on ``aws:RequestTag/<key>``: the request was missing required tags."""

from __future__ import annotations

from bot.diagnosis.conditions import missing_request_tags
from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details


def check(ctx: RuleContext) -> list[Hit]:
    """REQUEST_TAG_MISSING naming the tag keys and the statement that requires them."""
    if ctx.denial is None or ctx.explicit_deny is False:
        return []
    statements = [s for s in ctx.denial.matched_statements if missing_request_tags([s])]
    tags = missing_request_tags(statements)
    if not tags:
        return []
    sids = ", ".join(s.sid for s in statements if s.sid) or "no Sid"
    return [Hit("REQUEST_TAG_MISSING", base_details(ctx) | {"tags": ", ".join(tags), "sid": sids})]
