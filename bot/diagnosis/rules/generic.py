"""The fallback for any denial no other rule explains: a correct, general explanation."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import least_privilege_policy
from bot.diagnosis.rules import unread_message
from bot.diagnosis.rules.details import base_details, grantee_role


def _implicit(ctx: RuleContext) -> list[Hit]:
    role = grantee_role(ctx)
    policy = least_privilege_policy(ctx.action, ctx.resource) if role else None
    skip = set()
    if policy is None:
        skip.add("GRANT_ACTION")
    if ctx.denial and "decoded_message" in ctx.denial.sources:
        skip.add("DECODE_FULL_MESSAGE")
    remedies = {"GRANT_ACTION": RemedyParams(attach_to=role, policy=policy)}
    return [Hit("IMPLICIT_DENY", base_details(ctx), remedies, frozenset(skip))]


def check(ctx: RuleContext) -> list[Hit]:
    """IMPLICIT_DENY (with an exact grant when role, action and resource are known),
    ACCESS_DENIED_UNCLEAR, or NOT_ENOUGH_INFORMATION."""
    if ctx.action is None:
        if unread_message.check(ctx):
            return []  # its note says exactly what is missing and how to get it
        return [Hit("NOT_ENOUGH_INFORMATION", base_details(ctx))]
    if ctx.explicit_deny is False and ctx.allow_can_help:
        return _implicit(ctx)
    return [Hit("ACCESS_DENIED_UNCLEAR", base_details(ctx))]
