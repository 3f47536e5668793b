"""Restore re-runs and their progress, through Stubber (moto has no Backup job APIs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot.aws.backup import RestoreStatus, describe_restore_status, start_restore_job
from bot.aws.sessions import CLIENT_CONFIG
from bot.errors import AwsThrottled, BotAccessDenied
from tests.bot.aws.conftest import DEV

RECOVERY_POINT = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
RESTORE_ROLE = "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def client(base_session: boto3.Session) -> Any:
    """A Backup client like the fix session's (its credentials are never used: all stubbed)."""
    return base_session.client("backup", region_name="us-east-1", config=CLIENT_CONFIG)


def test_start_restore_job_sends_metadata_role_and_idempotency_token(
    client: Any, stub: Callable[[Any], Stubber]
) -> None:
    stub(client).add_response(
        "start_restore_job",
        {"RestoreJobId": "NEW-JOB-1"},
        {
            "RecoveryPointArn": RECOVERY_POINT,
            "IamRoleArn": RESTORE_ROLE,
            "Metadata": {"InstanceType": "t3.micro"},
            "ResourceType": "EC2",
            "IdempotencyToken": "req-42",
        },
    )

    job_id = start_restore_job(
        client, RECOVERY_POINT, RESTORE_ROLE, {"InstanceType": "t3.micro"}, "EC2", "req-42"
    )

    assert job_id == "NEW-JOB-1"


def test_start_restore_job_leaves_out_what_is_not_given(
    client: Any, stub: Callable[[Any], Stubber]
) -> None:
    stub(client).add_response(
        "start_restore_job",
        {"RestoreJobId": "NEW-JOB-2"},
        {"RecoveryPointArn": RECOVERY_POINT, "Metadata": {}, "IdempotencyToken": "req-43"},
    )

    assert start_restore_job(client, RECOVERY_POINT, None, {}, None, "req-43") == "NEW-JOB-2"


def test_start_restore_job_denied_names_the_fix_role(
    client: Any, stub: Callable[[Any], Stubber]
) -> None:
    message = f"User: x is not authorized to perform: iam:PassRole on resource: {RESTORE_ROLE}"
    stub(client).add_client_error("start_restore_job", "AccessDeniedException", message, 403)

    with pytest.raises(BotAccessDenied) as caught:
        start_restore_job(client, RECOVERY_POINT, RESTORE_ROLE, {}, "EC2", "t", account=DEV)

    assert "iam:PassRole" in caught.value.user_message
    assert str(DEV.fix_role_arn) in caught.value.user_message


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            {"Status": "RUNNING", "PercentDone": "40%"},
            RestoreStatus("J1", "RUNNING", percent_done="40%"),
        ),
        (
            {"Status": "COMPLETED", "CreatedResourceArn": "arn:aws:ec2:us-east-1:2:instance/i-1"},
            RestoreStatus(
                "J1", "COMPLETED", created_resource_arn="arn:aws:ec2:us-east-1:2:instance/i-1"
            ),
        ),
        (
            {"Status": "FAILED", "StatusMessage": "You are not authorized"},
            RestoreStatus("J1", "FAILED", status_message="You are not authorized"),
        ),
    ],
)
def test_describe_restore_status(
    client: Any, stub: Callable[[Any], Stubber], response: dict[str, str], expected: RestoreStatus
) -> None:
    stub(client).add_response("describe_restore_job", response, {"RestoreJobId": "J1"})

    status = describe_restore_status(client, "J1")

    assert status == expected
    assert status.finished is (expected.status != "RUNNING")


def test_describe_restore_status_throttled(client: Any, stub: Callable[[Any], Stubber]) -> None:
    stub(client).add_client_error("describe_restore_job", "ThrottlingException", "slow down", 400)

    with pytest.raises(AwsThrottled):
        describe_restore_status(client, "J1", account=DEV)
