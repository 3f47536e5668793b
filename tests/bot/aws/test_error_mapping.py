"""AWS failures mapped to domain errors by code: what the user reads and what to do next."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from bot.aws.error_mapping import is_not_found, map_client_error
from bot.errors import (
    AwsThrottled,
    AwsUnavailable,
    BackupDoctorError,
    BotAccessDenied,
    MessageInvalid,
)
from tests.bot.aws.conftest import PROD


def client_error(code: str, operation: str, message: str = "", status: int = 400) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            client_error("InvalidAuthorizationMessageException", "DecodeAuthorizationMessage"),
            MessageInvalid,
        ),
        (client_error("AccessDenied", "DecodeAuthorizationMessage", status=403), BotAccessDenied),
        (client_error("AccessDeniedException", "DescribeRestoreJob", status=403), BotAccessDenied),
        (client_error("UnauthorizedOperation", "DescribeInstances", status=403), BotAccessDenied),
        (client_error("Throttling", "DecodeAuthorizationMessage"), AwsThrottled),
        (client_error("ThrottlingException", "DescribeRestoreJob"), AwsThrottled),
        (client_error("TooManyRequestsException", "DescribeBackupJob", status=429), AwsThrottled),
        (client_error("RequestLimitExceeded", "DescribeInstances", status=503), AwsThrottled),
        (client_error("ServiceUnavailable", "AssumeRole", status=503), AwsUnavailable),
        (client_error("InternalFailure", "DescribeCopyJob", status=500), AwsUnavailable),
        (client_error("SomethingNew", "DescribeCopyJob", status=502), AwsUnavailable),
        (EndpointConnectionError(endpoint_url="https://sts.amazonaws.com"), AwsUnavailable),
        (
            ConnectTimeoutError(endpoint_url="https://backup.eu-west-1.amazonaws.com"),
            AwsUnavailable,
        ),
        (ReadTimeoutError(endpoint_url="https://backup.eu-west-1.amazonaws.com"), AwsUnavailable),
        (NoCredentialsError(), BotAccessDenied),
    ],
)
def test_maps_to_the_domain_error(
    exc: ClientError | BotoCoreError, expected: type[BackupDoctorError]
) -> None:
    error = map_client_error(exc, what="decode the message", account=PROD)

    assert type(error) is expected
    assert error.user_message


def test_throttling_says_to_try_again_in_a_minute() -> None:
    error = map_client_error(
        client_error("ThrottlingException", "DescribeRestoreJob"),
        what="look up job 1",
        account=PROD,
    )

    assert "AWS is throttling requests; try again in a minute" in error.user_message


def test_decode_denial_names_the_permission_and_the_role() -> None:
    exc = client_error(
        "AccessDenied", "DecodeAuthorizationMessage", "User: x is not authorized", 403
    )

    error = map_client_error(exc, what="decode the message", account=PROD)

    assert "sts:DecodeAuthorizationMessage" in error.user_message
    assert PROD.read_role_arn in error.user_message
    assert "prod (111111111111)" in error.user_message


def test_the_action_aws_names_wins_over_the_operation() -> None:
    message = (
        "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:PassRole on x"
    )
    exc = client_error("AccessDeniedException", "StartRestoreJob", message, 403)

    error = map_client_error(
        exc, what="start a restore", account=None, role_arn="arn:aws:iam::1:role/fix"
    )

    assert "may not iam:PassRole on role arn:aws:iam::1:role/fix" in error.user_message


def test_assume_role_denial_points_at_the_trust_policy_and_external_id() -> None:
    exc = client_error(
        "AccessDenied", "AssumeRole", "not authorized to perform: sts:AssumeRole", 403
    )

    error = map_client_error(exc, what="assume the role", account=PROD, role_arn=PROD.read_role_arn)

    assert f"may not assume {PROD.read_role_arn}" in error.user_message
    assert "ExternalId" in error.user_message
    assert "trust policy" in error.next_step


@pytest.mark.parametrize(
    ("aws_message", "cause", "step"),
    [
        ("The message has expired", "expired", "fresh"),
        ("Invalid authorization message", "cut or altered", "whole blob"),
        ("", "issued in an account", "whole blob"),
    ],
)
def test_invalid_message_names_the_likely_cause(aws_message: str, cause: str, step: str) -> None:
    exc = client_error(
        "InvalidAuthorizationMessageException", "DecodeAuthorizationMessage", aws_message
    )

    error = map_client_error(exc, what="decode the message", account=PROD)

    assert cause in error.user_message
    assert step in error.next_step
    assert "prod (111111111111)" in error.user_message


def test_not_found_is_for_the_caller_to_decide() -> None:
    exc = client_error("ResourceNotFoundException", "DescribeRestoreJob", status=404)

    assert is_not_found(exc)
    assert type(map_client_error(exc, what="look up job 1", account=PROD)) is BackupDoctorError


def test_unknown_codes_keep_the_code_and_message() -> None:
    exc = client_error("SomethingOddException", "DescribeRestoreJob", "bad id")

    error = map_client_error(exc, what="look up job x", account=None)

    assert error.user_message == "AWS refused to look up job x: SomethingOddException: bad id"
