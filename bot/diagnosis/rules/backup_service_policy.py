"""Backup could not describe the resource: its role lacks the service's managed Backup policy."""

from __future__ import annotations

import re

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.rules.details import base_details, grantee_role

_DESCRIBE_DENIED = re.compile(
    r"does not have permission to describe resource (arn:\S+?)\.?(?:\s|$)", re.IGNORECASE
)
#: (resource service, job type) -> the AWS managed policy that grants what Backup needs
MANAGED_POLICIES = {
    ("s3", "backup"): "AWSBackupServiceRolePolicyForS3Backup",
    ("s3", "restore"): "AWSBackupServiceRolePolicyForS3Restore",
    ("*", "backup"): "AWSBackupServiceRolePolicyForBackup",
    ("*", "restore"): "AWSBackupServiceRolePolicyForRestores",
}


def _job_type(ctx: RuleContext) -> str:
    if ctx.job and ctx.job.job_type == "restore":
        return "restore"
    if "restore job failed" in ctx.status_text.lower():
        return "restore"
    return "backup"


def check(ctx: RuleContext) -> list[Hit]:
    """BACKUP_ROLE_MISSING_SERVICE_POLICY naming the managed policy for this resource type."""
    match = _DESCRIBE_DENIED.search(ctx.status_text)
    if not match:
        return []
    resource = match.group(1)
    service = "s3" if resource.startswith("arn:aws:s3:") else "*"
    policy_name = MANAGED_POLICIES[(service, _job_type(ctx))]
    role = grantee_role(ctx)
    details = base_details(ctx) | {
        "resource": resource,
        "managed_policy": policy_name,
        "restore_role": role or "the job's IAM role",
    }
    remedies = {"ATTACH_BACKUP_SERVICE_POLICY": RemedyParams(attach_to=role)}
    return [Hit("BACKUP_ROLE_MISSING_SERVICE_POLICY", details, remedies)]
