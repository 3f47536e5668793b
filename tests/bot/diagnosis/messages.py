"""Builders for decoded messages in AWS's ``items`` shape, and the seed case's identities."""

from __future__ import annotations

from typing import Any

from bot.models import Job

ACCOUNT = "111122223333"
RESTORE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
BACKUP_SESSION = (
    f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSBackupDefaultServiceRole/"
    "AWSBackup-AWSBackupDefaultServiceRole"
)
INSTANCE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AmazonSSMRoleForInstancesQuickSetup"
RECOVERY_POINT = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"


def decoded_message(
    principal: str | None = None,
    action: str | None = None,
    resource: str | None = None,
    explicit: bool | None = None,
    context: dict[str, str] | None = None,
    statements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A decoded message in AWS's ``items`` shape, with only the given parts."""
    message: dict[str, Any] = {"allowed": False}
    if explicit is not None:
        message["explicitDeny"] = explicit
    if statements is not None:
        message["matchedStatements"] = {"items": statements}
    ctx: dict[str, Any] = {}
    if principal:
        ctx["principal"] = {"arn": principal}
    if action:
        ctx["action"] = action
    if resource:
        ctx["resource"] = resource
    ctx["conditions"] = {"items": [_condition(k, [v]) for k, v in (context or {}).items()]}
    message["context"] = ctx
    return message


def deny_statement(
    sid: str = "Deny1",
    actions: tuple[str, ...] = ("ec2:RunInstances",),
    resources: tuple[str, ...] = ("*",),
    conditions: dict[str, list[str]] | None = None,
    principal: str = "AROA123456789EXAMPLE",
) -> dict[str, Any]:
    """One matched DENY statement as decoded messages show it."""
    return {
        "statementId": sid,
        "effect": "DENY",
        "principals": {"items": [{"value": principal}]},
        "principalGroups": {"items": []},
        "actions": {"items": [{"value": a} for a in actions]},
        "resources": {"items": [{"value": r} for r in resources]},
        "conditions": {"items": [_condition(k, v) for k, v in (conditions or {}).items()]},
    }


def _condition(key: str, values: list[str]) -> dict[str, Any]:
    return {"key": key, "values": {"items": [{"value": v} for v in values]}}


def seed_restore_job() -> Job:
    """The seed case's failed EC2 restore, run as the default Backup role (which has a path)."""
    return Job(
        job_id="4F7A1C2E-1111-2222-3333-444455556666",
        job_type="restore",
        account_id=ACCOUNT,
        region="us-east-1",
        status="FAILED",
        status_message="You are not authorized to perform this operation. Please consult the "
        "permissions associated with your AWS Backup role(s), and refer to the AWS Backup "
        "documentation for more details.",
        iam_role_arn=RESTORE_ROLE,
        recovery_point_arn=RECOVERY_POINT,
        resource_type="EC2",
    )
