"""ec2:CreateTags denied while creating a resource with tags (RunInstances, CreateVolume, ...)."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import least_privilege_policy
from bot.diagnosis.rules.details import base_details, grantee_role

CREATE_ACTION_KEY = "ec2:CreateAction"


def create_action(ctx: RuleContext) -> str | None:
    """The creating call, from the ``ec2:CreateAction`` context key."""
    values = ctx.denial.context.get(CREATE_ACTION_KEY, []) if ctx.denial else []
    return next((value for value in values if value.isalnum()), None)


def check(ctx: RuleContext) -> list[Hit]:
    """TAG_ON_CREATE_DENIED with CreateTags on the exact resource, limited to the creating call."""
    if ctx.action != "ec2:CreateTags" or not ctx.allow_can_help:
        return []
    creating = create_action(ctx)
    conditions = {"StringEquals": {CREATE_ACTION_KEY: creating}} if creating else None
    policy = least_privilege_policy(ctx.action, ctx.resource, conditions)
    details = base_details(ctx) | {
        "create_action": creating or "the creating call",
        "create_action_limit": (
            f"tagging during {creating} (ec2:CreateAction)"
            if creating
            else "the resource only (the creating call is not known, so it is not limited to it)"
        ),
    }
    remedy = RemedyParams(attach_to=grantee_role(ctx), policy=policy)
    return [Hit("TAG_ON_CREATE_DENIED", details, {"GRANT_CREATE_TAGS_ON_CREATE": remedy})]
