"""Plain domain objects for state, approval and fix tests: a failed EC2 restore and its remedies."""

from __future__ import annotations

from typing import Any

from bot.config import AccountConfig
from bot.models import Diagnosis, FixPlan, Job, JobRef, ParsedInput, Remedy

ACCOUNT = "111122223333"
REGION = "eu-west-1"
RESTORE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
INSTANCE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-instance-role"
RECOVERY_POINT = f"arn:aws:ec2:{REGION}::image/ami-0123456789abcdef0"
JOB_ID = "7B9A1C2D-0000-4E5F-8A9B-0C1D2E3F4A5B"
METADATA = {
    "InstanceType": "t3.micro",
    "SubnetId": "subnet-0abc",
    "IamInstanceProfileName": "app-instance-profile",
    "RequireIMDSv2": "true",
}


def restore_job(metadata: dict[str, str] | None = None, **changes: Any) -> Job:
    """The failed restore: EC2, run as the default backup role, with an instance profile."""
    fields: dict[str, Any] = {
        "job_id": JOB_ID,
        "job_type": "restore",
        "account_id": ACCOUNT,
        "region": REGION,
        "status": "FAILED",
        "iam_role_arn": RESTORE_ROLE,
        "recovery_point_arn": RECOVERY_POINT,
        "resource_type": "EC2",
        "restore_metadata": dict(METADATA if metadata is None else metadata),
    }
    return Job(**(fields | changes))


def passrole_policy(role_arn: str = INSTANCE_ROLE) -> dict[str, Any]:
    """The least-privilege grant the diagnosis proposes."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BackupDoctorPassRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": role_arn,
                "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            }
        ],
    }


def grant_remedy(policy: dict[str, Any] | None = None, attach_to: str = RESTORE_ROLE) -> Remedy:
    return Remedy(
        id="grant-passrole",
        title="Let the restore role pass the instance role",
        description="Adds iam:PassRole on the instance role to the restore role.",
        changes_iam=True,
        automatic=True,
        fix="GRANT_PASSROLE",
        attach_to=attach_to,
        policy=passrole_policy() if policy is None else policy,
    )


def no_role_remedy() -> Remedy:
    return Remedy(
        id="restore-without-role",
        title="Restore with no IAM role",
        description="Re-runs the restore without the instance profile.",
        changes_iam=False,
        automatic=True,
        fix="RESTORE_WITHOUT_IAM_ROLE",
    )


def diagnosis(job: Job | None = None) -> Diagnosis:
    job = restore_job() if job is None else job
    return Diagnosis(
        input=ParsedInput(kind="job_id", job=JobRef(job_id=job.job_id)),
        job=job,
        remedies=[no_role_remedy(), grant_remedy()],
    )


def grant_plan(request_id: str, **changes: Any) -> FixPlan:
    """A GRANT_PASSROLE plan as ``grant_passrole.plan`` would build it (no re-run by default)."""
    fields: dict[str, Any] = {
        "fix": "GRANT_PASSROLE",
        "account_id": ACCOUNT,
        "region": REGION,
        "summary": "Add a policy.",
        "role_arn": RESTORE_ROLE,
        "policy_name": f"backup-doctor-passrole-{request_id[:12]}",
        "policy": passrole_policy(),
        "current_inline_policies": {"existing": {"Version": "2012-10-17", "Statement": []}},
    }
    fields |= changes
    fields.setdefault(
        "inline_policies_after",
        fields["current_inline_policies"] | {fields["policy_name"]: fields["policy"]},
    )
    return FixPlan(**fields)


def restore_plan() -> FixPlan:
    """A RESTORE_WITHOUT_IAM_ROLE plan (no IAM change)."""
    metadata = {k: v for k, v in METADATA.items() if k != "IamInstanceProfileName"}
    return FixPlan(
        fix="RESTORE_WITHOUT_IAM_ROLE",
        account_id=ACCOUNT,
        region=REGION,
        summary="Re-run the restore.",
        restore_params={
            "RecoveryPointArn": RECOVERY_POINT,
            "IamRoleArn": RESTORE_ROLE,
            "ResourceType": "EC2",
            "Metadata": metadata,
        },
    )


class Clock:
    """A settable clock for the request store (epoch seconds)."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def account_config(**changes: Any) -> AccountConfig:
    """The configured account of these objects (the fix tests' and the worker tests')."""
    fields: dict[str, Any] = {
        "id": ACCOUNT,
        "name": "prod",
        "regions": [REGION],
        "read_role_arn": f"arn:aws:iam::{ACCOUNT}:role/BackupDoctorRead",
        "fix_role_arn": f"arn:aws:iam::{ACCOUNT}:role/BackupDoctorFix",
        "external_id": "unit-external-id",
    }
    return AccountConfig(**(fields | changes))
