"""Domain objects to render: a realistic denial, a fix plan, accounts, and a hostile name."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import AccountConfig
from bot.models import (
    Denial,
    Diagnosis,
    Finding,
    FixPlan,
    Job,
    MatchedStatement,
    ParsedInput,
    Remedy,
)

ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
JOB_ID = "3B8A5F52-D4A1-9F3C-2E7B-0C1D9A8B7E6F"
RECOVERY_POINT = "arn:aws:ec2:eu-west-1::image/ami-0abc1234def567890"
#: every trick a name from AWS or a user could try on Slack
HOSTILE = "<!channel> <@U123> <https://evil.example|ok> *bold* `tick` ```fence``` &amp; _x_"


def make_diagnosis(name: str = "AWSBackupDefaultServiceRole", **overrides: object) -> Diagnosis:
    """A restore denied iam:PassRole by an SCP, with one remedy of each kind."""
    denial = Denial(
        principal_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/AWSBackup-session",
        role_arn=ROLE_ARN,
        account_id=ACCOUNT,
        region="eu-west-1",
        action="iam:PassRole",
        resource=f"arn:aws:iam::{ACCOUNT}:role/app-instance-role",
        explicit_deny=True,
        policy_type="scp",
        matched_statements=[
            MatchedStatement(
                sid="DenyPassRoleOutsideEU",
                effect="Deny",
                conditions={"StringNotEquals:aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
            )
        ],
    )
    fields: dict[str, object] = {
        "input": ParsedInput(kind="job_id"),
        "denial": denial,
        "job": Job(
            job_id=JOB_ID,
            job_type="restore",
            account_id=ACCOUNT,
            region="eu-west-1",
            status="FAILED",
            status_message="You are not authorized to perform this operation.",
            recovery_point_arn=RECOVERY_POINT,
            creation_date=datetime(2025, 3, 4, 10, 30, tzinfo=UTC),
        ),
        "findings": [
            Finding(
                code="PASSROLE_DENIED",
                title="The restore role may not pass the instance role",
                explanation="AWS Backup needs iam:PassRole on the role of the instance.",
                severity="high",
            )
        ],
        "remedies": [
            Remedy(
                id="GRANT_PASSROLE",
                title="Let the restore role pass the instance role",
                description="Adds iam:PassRole on exactly this role, only for EC2.",
                changes_iam=True,
                automatic=True,
                fix="GRANT_PASSROLE",
                attach_to=ROLE_ARN,
                policy_name="backup-doctor-passrole",
            ),
            Remedy(
                id="ASK_SCP_OWNER",
                title="Ask the owner of the SCP",
                description="An SCP denies this; only its owner can change it.",
                changes_iam=False,
                automatic=False,
            ),
            Remedy(
                id="RESTORE_WITHOUT_IAM_ROLE",
                title="Restore without an instance profile",
                description="Start a new restore without an instance profile.",
                changes_iam=False,
                automatic=True,
                fix="RESTORE_WITHOUT_IAM_ROLE",
                # as the catalogue words it for this job
                confirm=f"Starts a new restore from the recovery point of job {JOB_ID}, with no "
                "IAM role for the instance. No IAM change.",
            ),
        ],
        "decoded_message": {"allowed": False, "explicitDeny": True},
        "account_name": "prod",
    }
    fields.update(overrides)
    return Diagnosis.model_validate(fields)


def make_plan(**overrides: object) -> FixPlan:
    """A PassRole grant on the restore role, with a re-run of the restore."""
    fields: dict[str, object] = {
        "fix": "GRANT_PASSROLE",
        "account_id": ACCOUNT,
        "region": "eu-west-1",
        "summary": "Add iam:PassRole on app-instance-role to the restore role, then restore again.",
        "role_arn": ROLE_ARN,
        "policy_name": "backup-doctor-passrole",
        "policy": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
        },
        "current_inline_policies": {"existing": {"Version": "2012-10-17", "Statement": []}},
        "restore_params": {"RecoveryPointArn": RECOVERY_POINT, "Metadata": {"a": "b"}},
        "simulation_before": "implicitDeny",
        "simulation_after": "allowed",
    }
    fields.update(overrides)
    return FixPlan.model_validate(fields)


def make_account(index: int, name: str = "prod") -> AccountConfig:
    """A configured account with two regions."""
    account_id = f"{index:012d}"
    return AccountConfig(
        id=account_id,
        name=name,
        regions=["eu-west-1", "us-east-1"],
        read_role_arn=f"arn:aws:iam::{account_id}:role/backup-doctor-read",
        external_id="ext-id",
    )
