"""AWS Backup's "not authorized ... AWS Backup role(s)" status, when the action is unknown."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.rules.backup_restore_passrole import can_rerun_restore
from bot.diagnosis.rules.details import base_details, grantee_role

BACKUP_ROLE_PHRASE = "permissions associated with your aws backup role"


def check(ctx: RuleContext) -> list[Hit]:
    """A likely-PassRole finding for EC2 restores, else a generic Backup-role finding."""
    if ctx.action is not None or BACKUP_ROLE_PHRASE not in ctx.status_text.lower():
        return []
    role = grantee_role(ctx)
    details = base_details(ctx) | {"restore_role": role or "the job's IAM role"}
    job = ctx.job
    if job and job.job_type == "restore" and job.resource_type == "EC2":
        remedies = {"RESTORE_WITHOUT_IAM_ROLE": RemedyParams(automatic=can_rerun_restore(ctx))}
        details["passed_role"] = "the instance profile's role"
        return [Hit("BACKUP_RESTORE_LIKELY_PASSROLE", details, remedies)]
    return [Hit("BACKUP_ROLE_NOT_AUTHORIZED", details)]
