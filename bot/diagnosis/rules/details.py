"""The placeholder values every rule shares: who, what, on which resource."""

from __future__ import annotations

from bot.arns import role_name
from bot.diagnosis.context import RuleContext
from bot.models import POLICY_TYPE_NAMES

#: Backup's service-linked role: no policy can be attached to it, the restore role is the one to fix
BACKUP_SERVICE_LINKED_ROLE = "AWSServiceRoleForBackup"


def who(ctx: RuleContext) -> str | None:
    """The role behind the denied principal (not the session), else the principal itself."""
    if ctx.denial is None:
        return ctx.job.iam_role_arn if ctx.job else None
    return ctx.denial.role_arn or ctx.denial.principal_arn


def grantee_role(ctx: RuleContext) -> str | None:
    """The role an Allow would go on; None for users, unknown roles and service-linked roles."""
    role = ctx.denial.role_arn if ctx.denial else None
    if role is None and ctx.job:
        role = ctx.job.iam_role_arn
    if role is None or role_name(role) == BACKUP_SERVICE_LINKED_ROLE:
        return None
    return role


def role_is_exact(ctx: RuleContext) -> bool:
    """The role ARN came whole from the job or the principal, not rebuilt from a session ARN.

    Session ARNs drop role paths, so a rebuilt ARN may name the role wrongly; fixes that act on
    the role without a person checking it need the exact one.
    """
    if ctx.job and ctx.job.iam_role_arn:
        return True
    return bool(ctx.denial and ctx.denial.role_exact and not ctx.denial.redacted)


def base_details(ctx: RuleContext) -> dict[str, str]:
    """Principal, action, resource, grantee and policy label, where known."""
    values = {
        "principal": who(ctx),
        "action": ctx.action,
        "resource": ctx.resource,
        "grantee": grantee_role(ctx) or who(ctx),
        "policy_label": POLICY_TYPE_NAMES[ctx.policy_type] if ctx.policy_type else "policy",
        "account_id": ctx.denial.account_id if ctx.denial else None,
        "region": ctx.denial.region if ctx.denial else None,
        "job_id": ctx.job.job_id if ctx.job else None,
    }
    return {key: value for key, value in values.items() if value}
