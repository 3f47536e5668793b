"""The AWS side of the e2e world: the account, its roles in moto, and seeded restore failures.

One moto server and one AWS stand-in serve a whole test session; every scenario seeds its own
instance role, instance profile, blob and restore job under fresh names, so scenarios never see
each other's IAM changes.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from tests.support import decoded_messages
from tests.support.aws_standin_admin import StandinAdminClient
from tests.support.aws_standin_backup import BACKUP_NOT_AUTHORIZED, INSTANCE_PROFILE_KEY
from tests.support.aws_standin_sts import passrole_denial

ACCOUNT = "111122223333"
REGION = "us-east-1"
EXTERNAL_ID = "e2e-external-id"
READ_ROLE = "BackupDoctorRead"
FIX_ROLE = "BackupDoctorFix"
RESTORE_ROLE = "AWSBackupDefaultServiceRole"
RESTORE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/{RESTORE_ROLE}"
#: fake hub credentials: distinctive, so a test can prove they never reach a log
ACCESS_KEY_ID = "AKIAE2EHUBKEY0000001"
SECRET_ACCESS_KEY = "e2e-hub-secret-DO-NOT-LOG-0123456789abcdef"

_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        ],
    }
)


def account_iam(moto_url: str) -> Any:
    """An IAM client acting in ACCOUNT (moto hands out that account's keys for any role there)."""
    sts = boto3.client(
        "sts",
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{READ_ROLE}", RoleSessionName="e2e-seed"
    )["Credentials"]
    return boto3.client(
        "iam",
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def create_account_roles(iam: Any) -> None:
    """The bot's read and fix roles and the AWS Backup restore role."""
    iam.create_role(RoleName=READ_ROLE, AssumeRolePolicyDocument=_TRUST)
    iam.create_role(RoleName=FIX_ROLE, AssumeRolePolicyDocument=_TRUST)
    iam.create_role(RoleName=RESTORE_ROLE, Path="/service-role/", AssumeRolePolicyDocument=_TRUST)


def accounts_yaml(approvers: list[str], notify_channel: str | None = None) -> str:
    """The bot's accounts file: one account, its roles in moto, its approvers (and the channel
    its failures are posted in, unasked)."""
    quoted = ", ".join(f'"{a}"' for a in approvers)
    notify = f"    notify_channel: {notify_channel}\n" if notify_channel else ""
    return (
        "accounts:\n"
        f'  - id: "{ACCOUNT}"\n'
        "    name: prod\n"
        f"    regions: [{REGION}]\n"
        f"    read_role_arn: arn:aws:iam::{ACCOUNT}:role/{READ_ROLE}\n"
        f"    fix_role_arn: arn:aws:iam::{ACCOUNT}:role/{FIX_ROLE}\n"
        f"    external_id: {EXTERNAL_ID}\n"
        f"    approvers: [{quoted}]\n"
        f"{notify}"
    )


@dataclass(frozen=True)
class PassRoleFailure:
    """A FAILED EC2 restore whose restore role may not pass the instance profile's role."""

    job_id: str
    blob: str
    status_message: str
    instance_role: str
    instance_role_arn: str
    instance_profile: str
    recovery_point_arn: str


def seed_passrole_failure(iam: Any, standin: StandinAdminClient) -> PassRoleFailure:
    """An instance role and profile in moto, the denial's blob, and the failed restore job."""
    suffix = uuid.uuid4().hex[:10]
    role, profile = f"AppRole-{suffix}", f"AppProfile-{suffix}"
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=_TRUST)["Role"]
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    restore_role = iam.get_role(RoleName=RESTORE_ROLE)["Role"]
    decoded = passrole_denial(
        ACCOUNT, REGION, RESTORE_ROLE_ARN, restore_role["RoleId"], created["Arn"]
    )
    blob = "AQoDYXdzE" + secrets.token_urlsafe(900)  # as long and mixed as a real one
    standin.register_blob(blob, decoded, account=ACCOUNT)
    message = f"{BACKUP_NOT_AUTHORIZED} Encoded authorization failure message: {blob}"
    recovery_point = f"arn:aws:ec2:{REGION}::image/ami-{suffix}0000000"
    job_id = standin.seed_restore_job(
        recovery_point,
        status="FAILED",
        status_message=message,
        account=ACCOUNT,
        region=REGION,
        iam_role_arn=RESTORE_ROLE_ARN,
        resource_type="EC2",
        metadata={
            INSTANCE_PROFILE_KEY: profile,
            "InstanceType": "t3.micro",
            "SubnetId": "subnet-0e2e0000000000001",
        },
    )
    return PassRoleFailure(job_id, blob, message, role, created["Arn"], profile, recovery_point)


@dataclass(frozen=True)
class KeyFailure:
    """A FAILED EC2 restore whose restore role may not decrypt with the volumes' KMS key."""

    job_id: str
    key_arn: str
    recovery_point_arn: str


def seed_kms_failure(iam: Any, standin: StandinAdminClient) -> KeyFailure:
    """The denial's blob (kms:Decrypt through EC2, for want of an Allow) and the failed restore."""
    suffix = uuid.uuid4().hex[:10]
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}"
    restore_role = iam.get_role(RoleName=RESTORE_ROLE)["Role"]
    decoded = decoded_messages.implicit_denial(
        "kms:Decrypt",
        key_arn,
        account=ACCOUNT,
        restore_role=RESTORE_ROLE_ARN,
        role_id=restore_role["RoleId"],
        conditions={"kms:ViaService": f"ec2.{REGION}.amazonaws.com", "aws:Region": REGION},
    )
    blob = "AQoDYXdzE" + secrets.token_urlsafe(900)
    standin.register_blob(blob, decoded, account=ACCOUNT)
    recovery_point = f"arn:aws:ec2:{REGION}::image/ami-{suffix}0000000"
    job_id = standin.seed_restore_job(
        recovery_point,
        status="FAILED",
        status_message=f"{BACKUP_NOT_AUTHORIZED} Encoded authorization failure message: {blob}",
        account=ACCOUNT,
        region=REGION,
        iam_role_arn=RESTORE_ROLE_ARN,
        resource_type="EC2",
        metadata={"InstanceType": "t3.micro", "SubnetId": "subnet-0e2e0000000000001"},
    )
    return KeyFailure(job_id, key_arn, recovery_point)


def seed_same_failure(standin: StandinAdminClient, failure: PassRoleFailure) -> str:
    """One more failed restore of the same cause (same blob, roles and recovery point); its id."""
    return standin.seed_restore_job(
        failure.recovery_point_arn,
        status="FAILED",
        status_message=failure.status_message,
        account=ACCOUNT,
        region=REGION,
        iam_role_arn=RESTORE_ROLE_ARN,
        resource_type="EC2",
        metadata={
            INSTANCE_PROFILE_KEY: failure.instance_profile,
            "InstanceType": "t3.micro",
            "SubnetId": "subnet-0e2e0000000000001",
        },
    )


def restore_failed_event(job_id: str, event_id: str | None = None) -> dict[str, Any]:
    """The EventBridge event of a failed restore, as a rule's SQS target delivers it."""
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Restore Job State Change",
        "source": "aws.backup",
        "account": ACCOUNT,
        "time": "2026-12-04T08:14:29Z",
        "region": REGION,
        "resources": [],
        "detail": {
            "restoreJobId": job_id,
            "status": "FAILED",
            "resourceType": "EC2",
            "iamRoleArn": RESTORE_ROLE_ARN,
            "statusMessage": BACKUP_NOT_AUTHORIZED,
        },
    }


def inline_policies(iam: Any, role: str = RESTORE_ROLE) -> dict[str, dict[str, Any]]:
    """The role's inline policies by name, as moto holds them now."""
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    found: dict[str, dict[str, Any]] = {}
    for name in names:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        found[name] = json.loads(document) if isinstance(document, str) else document
    return found
