"""The seed case: an AWS Backup EC2 restore whose role may not pass the instance profile's role."""

from __future__ import annotations

from bot.arns import is_backup_session
from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import passrole_policy
from bot.diagnosis.rules.details import base_details, grantee_role, role_is_exact

EC2_SERVICE = "ec2.amazonaws.com"


def is_backup_principal(ctx: RuleContext) -> bool:
    """The denied principal is AWS Backup acting as a role (its session name, or the job's role)."""
    denial = ctx.denial
    if denial is None:
        return False
    job_role = ctx.job.iam_role_arn if ctx.job else None
    return is_backup_session(denial.principal_arn) or (
        job_role is not None and denial.role_arn == job_role
    )


def is_ec2_restore_job(ctx: RuleContext) -> bool:
    """No job known, or the job is a restore of an EC2 instance."""
    job = ctx.job
    if job is None:
        return True
    return job.job_type == "restore" and job.resource_type in (None, "EC2")


def applies(ctx: RuleContext) -> bool:
    """iam:PassRole denied to AWS Backup during what is, or may be, an EC2 restore."""
    return ctx.action == "iam:PassRole" and is_backup_principal(ctx) and is_ec2_restore_job(ctx)


def can_rerun_restore(ctx: RuleContext) -> bool:
    """The bot can replay the restore: a restore job with its recovery point is known."""
    job = ctx.job
    return job is not None and job.job_type == "restore" and bool(job.recovery_point_arn)


def check(ctx: RuleContext) -> list[Hit]:
    """BACKUP_RESTORE_PASSROLE_DENIED with the no-IAM re-run first and the exact PassRole grant."""
    if not applies(ctx):
        return []
    role = grantee_role(ctx)
    policy = passrole_policy(ctx.resource, EC2_SERVICE)
    details = base_details(ctx) | {
        "restore_role": role or "the restore job's IAM role",
        "passed_role": ctx.resource or "the instance profile's role",
        "grantee": role or "the restore job's IAM role",
        "passed_to": f"only to {EC2_SERVICE}",
    }
    remedies = {
        "RESTORE_WITHOUT_IAM_ROLE": RemedyParams(automatic=can_rerun_restore(ctx)),
        "GRANT_PASSROLE": RemedyParams(attach_to=role, policy=policy, automatic=role_is_exact(ctx)),
    }
    skip = frozenset() if ctx.allow_can_help else frozenset({"GRANT_PASSROLE"})
    return [Hit("BACKUP_RESTORE_PASSROLE_DENIED", details, remedies, skip)]
