"""AWS Backup job operations of the AWS stand-in, through boto3, with IAM state kept in moto."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support import aws_standin_testkit as kit
from tests.support.aws_standin import AwsStandin
from tests.support.aws_standin_backup import BACKUP_NOT_AUTHORIZED, INSTANCE_PROFILE_KEY
from tests.support.aws_standin_testkit import (
    ACCOUNT,
    NO_RETRIES,
    assume,
    client,
    error_code,
    http_status,
)

moto = kit.moto
aws_env = kit.aws_env
standin = kit.standin

RECOVERY_POINT = f"arn:aws:ec2:us-east-1:{ACCOUNT}:image/ami-0123456789abcdef0"
RESTORE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSBackupDefaultServiceRole"
INSTANCE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AppInstanceRole"
EC2_METADATA = {INSTANCE_PROFILE_KEY: "AppInstanceProfile", "InstanceType": "t3.micro"}
BLOB_MARKER = "Encoded authorization failure message: "


def _backup() -> Any:
    """A Backup client acting in ACCOUNT, as the bot's assumed-role sessions do."""
    return client("backup", assume())


def _wait_for_end(job_id: str, timeout: float = 5.0) -> dict[str, Any]:
    backup, seen = _backup(), []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = backup.describe_restore_job(RestoreJobId=job_id)
        seen.append(job["Status"])
        if job["Status"] in ("COMPLETED", "FAILED", "ABORTED"):
            return {**job, "Seen": seen}
        time.sleep(0.05)
    raise AssertionError(f"restore {job_id} did not end: {seen[-3:]}")


def _create_ec2_roles(iam: Any) -> None:
    """moto IAM in ACCOUNT: the restore role (no policies) and the instance profile's role."""
    for name in ("AWSBackupDefaultServiceRole", "AppInstanceRole"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="AppInstanceProfile")
    iam.add_role_to_instance_profile(
        InstanceProfileName="AppInstanceProfile", RoleName="AppInstanceRole"
    )


def _start(token: str) -> str:
    response = _backup().start_restore_job(
        RecoveryPointArn=RECOVERY_POINT,
        Metadata=EC2_METADATA,
        IamRoleArn=RESTORE_ROLE,
        IdempotencyToken=token,
        ResourceType="EC2",
    )
    return str(response["RestoreJobId"])


# --- describing seeded jobs ----------------------------------------------------------------------


def test_a_seeded_restore_job_describes_with_parsed_fields(standin: AwsStandin) -> None:
    job_id = standin.seed_restore_job(
        RECOVERY_POINT,
        status="FAILED",
        status_message=f"{BACKUP_NOT_AUTHORIZED} {BLOB_MARKER}AQoDYXdz",
        account=ACCOUNT,
        region="us-east-1",
        iam_role_arn=RESTORE_ROLE,
        metadata=EC2_METADATA,
        extra={"SourceResourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc"},
    )

    job = _backup().describe_restore_job(RestoreJobId=job_id)
    metadata = _backup().get_restore_job_metadata(RestoreJobId=job_id)

    assert job["Status"] == "FAILED"
    assert job["StatusMessage"].startswith(BACKUP_NOT_AUTHORIZED)
    assert (job["AccountId"], job["IamRoleArn"], job["ResourceType"]) == (
        ACCOUNT,
        RESTORE_ROLE,
        "EC2",
    )
    assert job["SourceResourceArn"].endswith("instance/i-0abc")
    assert isinstance(job["CreationDate"], datetime)
    assert job["CompletionDate"] >= job["CreationDate"]
    assert metadata["Metadata"] == EC2_METADATA


@pytest.mark.parametrize(
    "describe",
    [
        lambda b: b.describe_restore_job(RestoreJobId="8F1B6E9C-0000-0000-0000-000000000000"),
        lambda b: b.get_restore_job_metadata(RestoreJobId="nope"),
        lambda b: b.describe_backup_job(BackupJobId="nope"),
        lambda b: b.describe_copy_job(CopyJobId="nope"),
        lambda b: b.get_recovery_point_restore_metadata(
            BackupVaultName="Default", RecoveryPointArn=RECOVERY_POINT
        ),
    ],
    ids=["restore", "restore-metadata", "backup", "copy", "recovery-point"],
)
def test_unknown_jobs_are_resource_not_found(standin: AwsStandin, describe: Any) -> None:
    with pytest.raises(ClientError) as error:
        describe(_backup())

    assert error_code(error) == "ResourceNotFoundException"
    assert http_status(error) == 404
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceNotFoundException"
    )


def test_jobs_are_found_only_in_their_account_and_region(standin: AwsStandin) -> None:
    job_id = standin.seed_restore_job(RECOVERY_POINT, account=ACCOUNT, region="us-east-1")
    other_account = client("backup", assume(account="444455556666"))
    other_region = client("backup", region="eu-west-1")

    assert _backup().describe_restore_job(RestoreJobId=job_id)["RestoreJobId"] == job_id
    for elsewhere in (other_account, other_region):
        with pytest.raises(ClientError) as error:
            elsewhere.describe_restore_job(RestoreJobId=job_id)
        assert error_code(error) == "ResourceNotFoundException"


def test_seeded_backup_and_copy_jobs_and_recovery_points_describe(standin: AwsStandin) -> None:
    created = datetime(2026, 5, 1, 3, 0).astimezone()
    backup_job = standin.seed_backup_job(
        {"State": "FAILED", "StatusMessage": "Access denied", "CreationDate": created,
         "BackupVaultName": "Default", "ResourceType": "S3"}
    )  # fmt: skip
    copy_job = standin.seed_copy_job(
        {"State": "FAILED", "StatusMessage": "Given key ID is not accessible"}
    )
    standin.seed_recovery_point("Default", RECOVERY_POINT, EC2_METADATA)
    backup = _backup()

    described = backup.describe_backup_job(BackupJobId=backup_job)
    copied = backup.describe_copy_job(CopyJobId=copy_job)["CopyJob"]
    point = backup.get_recovery_point_restore_metadata(
        BackupVaultName="Default", RecoveryPointArn=RECOVERY_POINT
    )

    assert (described["State"], described["CreationDate"], described["AccountId"]) == (
        "FAILED", created, ACCOUNT,
    )  # fmt: skip
    assert (copied["CopyJobId"], copied["State"]) == (copy_job, "FAILED")
    assert point["RestoreMetadata"] == EC2_METADATA
    assert point["RecoveryPointArn"] == RECOVERY_POINT
    assert point["BackupVaultArn"].endswith(":backup-vault:Default")


def test_seeding_a_job_that_breaks_the_model_is_refused(standin: AwsStandin) -> None:
    with pytest.raises(Exception, match="DONE"):
        standin.seed_restore_job(RECOVERY_POINT, status="DONE")
    with pytest.raises(Exception, match="BackupSizeInBytes"):
        standin.seed_backup_job({"BackupSizeInBytes": "big"})


def test_list_restore_jobs_filters_and_pages(standin: AwsStandin) -> None:
    failed = [standin.seed_restore_job(RECOVERY_POINT, status="FAILED") for _ in range(3)]
    standin.seed_restore_job(RECOVERY_POINT, status="COMPLETED")
    backup = _backup()

    first = backup.list_restore_jobs(ByStatus="FAILED", MaxResults=2)
    rest = backup.list_restore_jobs(ByStatus="FAILED", MaxResults=2, NextToken=first["NextToken"])

    listed = [job["RestoreJobId"] for job in first["RestoreJobs"] + rest["RestoreJobs"]]
    assert sorted(listed) == sorted(failed)
    assert "NextToken" not in rest


# --- starting restores ---------------------------------------------------------------------------


def test_start_restore_job_is_idempotent_per_token(standin: AwsStandin) -> None:
    standin.set_restore_timing(0, 0)

    first, again, other = _start("token-1"), _start("token-1"), _start("token-2")

    assert first == again
    assert other != first
    assert len(standin.restore_jobs()) == 2


def test_a_started_restore_goes_pending_running_then_ends(standin: AwsStandin) -> None:
    # a second per step: building the polling client can take longer than a short step on a
    # loaded machine, and the first poll must still find the job PENDING
    standin.set_restore_timing(pending_seconds=1.0, running_seconds=1.0)
    standin.script_restore_outcome("COMPLETED")

    job = _wait_for_end(_start("t"), timeout=10.0)

    assert job["Seen"][0] == "PENDING"
    assert "RUNNING" in job["Seen"]
    assert job["Status"] == "COMPLETED"
    assert job["CreatedResourceArn"].startswith(f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-")
    assert job["PercentDone"] == "100.00%"


def test_a_rerun_fails_without_passrole_and_completes_once_a_policy_grants_it(
    standin: AwsStandin,
) -> None:
    standin.set_restore_timing(0, 0.05)
    iam = client("iam", assume())
    _create_ec2_roles(iam)

    failed = _wait_for_end(_start("before-fix"))
    iam.put_role_policy(
        RoleName="AWSBackupDefaultServiceRole",
        PolicyName="pass-app-role",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": INSTANCE_ROLE}]}),
    )  # fmt: skip
    fixed = _wait_for_end(_start("after-fix"))

    assert failed["Status"] == "FAILED"
    assert failed["StatusMessage"].startswith(BACKUP_NOT_AUTHORIZED)
    assert fixed["Status"] == "COMPLETED"
    assert "StatusMessage" not in fixed


def test_the_passrole_failure_carries_a_blob_that_decodes_in_the_jobs_account(
    standin: AwsStandin,
) -> None:
    standin.set_restore_timing(0, 0)
    _create_ec2_roles(client("iam", assume()))

    message = _wait_for_end(_start("t"))["StatusMessage"]
    blob = message.split(BLOB_MARKER, 1)[1]
    decoded = json.loads(
        client("sts", assume()).decode_authorization_message(EncodedMessage=blob)["DecodedMessage"]
    )

    assert decoded["allowed"] is False
    assert decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "iam:PassRole"
    assert decoded["context"]["resource"] == INSTANCE_ROLE
    role_session = "AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole"
    assert (
        decoded["context"]["principal"]["arn"]
        == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_session}"
    )


def test_a_restore_without_an_instance_profile_needs_no_passrole(standin: AwsStandin) -> None:
    standin.set_restore_timing(0, 0)
    response = _backup().start_restore_job(
        RecoveryPointArn=RECOVERY_POINT,
        Metadata={"InstanceType": "t3.micro"},
        IamRoleArn=RESTORE_ROLE,
    )

    assert _wait_for_end(response["RestoreJobId"])["Status"] == "COMPLETED"


def test_scripted_outcomes_take_precedence_and_are_used_up(standin: AwsStandin) -> None:
    standin.set_restore_timing(0, 0)
    standin.script_restore_outcome("FAILED", "Given key ID is not accessible", RECOVERY_POINT)
    standin.script_restore_outcome("COMPLETED", recovery_point_arn="*", times=None)

    first, second = _wait_for_end(_start("a")), _wait_for_end(_start("b"))

    assert (first["Status"], first["StatusMessage"]) == ("FAILED", "Given key ID is not accessible")
    assert second["Status"] == "COMPLETED"


def test_started_restores_survive_a_restart(moto: Any, aws_env: None, tmp_path: Any) -> None:
    state = tmp_path / "state.json"
    with AwsStandin(moto.url, state_path=state) as first:
        first.set_restore_timing(0, 0)
        first.script_restore_outcome("COMPLETED")
        backup = boto3.client("backup", endpoint_url=first.url, config=NO_RETRIES)
        job_id = backup.start_restore_job(
            RecoveryPointArn=RECOVERY_POINT, Metadata={}, IdempotencyToken="x"
        )["RestoreJobId"]

    with AwsStandin(moto.url, state_path=state) as second:
        backup = boto3.client("backup", endpoint_url=second.url, config=NO_RETRIES)
        again = backup.start_restore_job(
            RecoveryPointArn=RECOVERY_POINT, Metadata={}, IdempotencyToken="x"
        )

        assert again["RestoreJobId"] == job_id
        assert backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "COMPLETED"


@pytest.mark.parametrize(
    ("service", "status"),
    [("ec2.amazonaws.com", "COMPLETED"), ("lambda.amazonaws.com", "FAILED")],
    ids=["passed-to-ec2", "passed-to-another-service"],
)
def test_a_grant_narrowed_to_a_service_counts_only_for_ec2(
    standin: AwsStandin, service: str, status: str
) -> None:
    standin.set_restore_timing(0, 0.05)
    iam = client("iam", assume())
    _create_ec2_roles(iam)
    iam.put_role_policy(
        RoleName="AWSBackupDefaultServiceRole",
        PolicyName="pass-app-role",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": INSTANCE_ROLE,
             "Condition": {"StringEquals": {"iam:PassedToService": service}}}]}),
    )  # fmt: skip
    assert _wait_for_end(_start(f"narrow-{service}"))["Status"] == status
