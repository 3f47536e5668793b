"""iam:PassRole denied outside the AWS Backup restore case (EC2 launches, Lambda, ECS, ...)."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import passrole_policy
from bot.diagnosis.rules import backup_restore_passrole
from bot.diagnosis.rules.details import base_details, grantee_role, role_is_exact


def passed_to_service(ctx: RuleContext) -> str | None:
    """The service principal the role went to, from the ``aws:Service`` context key."""
    context = ctx.denial.context if ctx.denial else {}
    for value in context.get("aws:Service", []):
        name = value.strip().lower()
        if name and "*" not in name:
            return name if name.endswith(".amazonaws.com") else f"{name}.amazonaws.com"
    return None


def check(ctx: RuleContext) -> list[Hit]:
    """PASSROLE_DENIED with the exact grant, plus PASSROLE_SERVICE_UNKNOWN when needed."""
    if ctx.action != "iam:PassRole" or backup_restore_passrole.applies(ctx):
        return []
    if not ctx.allow_can_help:
        return []
    service = passed_to_service(ctx)
    role = grantee_role(ctx)
    details = base_details(ctx) | {
        "passed_role": ctx.resource or "the role",
        "passed_to": f"only to {service}" if service else "to any service (not told)",
    }
    policy = passrole_policy(ctx.resource, service)
    remedy = RemedyParams(attach_to=role, policy=policy, automatic=role_is_exact(ctx))
    hits = [Hit("PASSROLE_DENIED", details, {"GRANT_PASSROLE": remedy})]
    if service is None:
        hits.append(Hit("PASSROLE_SERVICE_UNKNOWN", details))
    return hits
