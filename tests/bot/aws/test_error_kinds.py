"""Which AWS failures are worth another attempt (``transient``), and what the others say."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from bot.aws.error_mapping import aws_errors, cause_code, map_client_error
from bot.errors import FixRefused


def client_error(code: str, status: int = 400, message: str = "details") -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "PutRolePolicy")


TRANSIENT = [
    client_error("Throttling"),
    client_error("ThrottlingException"),
    client_error("RequestLimitExceeded", 503),
    client_error("TooManyRequestsException", 429),
    client_error("ServiceUnavailableException", 503),
    client_error("InternalFailure", 500),
    client_error("ServiceFailure", 500),
    client_error("SomethingNew", 502),
    client_error("ConcurrentModification", 409),
    client_error("ExpiredToken", 403),
    EndpointConnectionError(endpoint_url="https://iam.amazonaws.com"),
    ConnectTimeoutError(endpoint_url="https://iam.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://backup.eu-west-1.amazonaws.com"),
]
PERMANENT = [
    client_error("AccessDenied", 403),
    client_error("AccessDeniedException", 403),
    client_error("ValidationException"),
    client_error("ValidationError"),
    client_error("InvalidParameterValue"),
    client_error("InvalidParameterValueException"),
    client_error("NoSuchEntity", 404),
    client_error("MalformedPolicyDocument"),
    client_error("LimitExceeded", 409),
    client_error("UnmodifiableEntity"),
    client_error("SomethingNew", 400),
    ParamValidationError(report="Missing required parameter"),
    NoCredentialsError(),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__ + str(e)[:40])
def test_transient_errors_are_worth_another_attempt(error: Exception) -> None:
    assert map_client_error(error, what="add the inline policy", account=None).transient  # type: ignore[arg-type]


@pytest.mark.parametrize("error", PERMANENT, ids=lambda e: type(e).__name__ + str(e)[:40])
def test_permanent_errors_stop_with_an_explanation(error: Exception) -> None:
    mapped = map_client_error(error, what="add the inline policy", account=None)  # type: ignore[arg-type]

    assert not mapped.transient
    assert mapped.user_message
    assert mapped.next_step


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("MalformedPolicyDocument", "IAM rejected the policy document"),
        ("NoSuchEntity", "no longer exists"),
        ("LimitExceeded", "size limit"),
        ("ValidationException", "rejected the request to add the inline policy as invalid"),
    ],
)
def test_refusals_say_what_happened(code: str, says: str) -> None:
    mapped = map_client_error(
        client_error(code, message="AWS text"), what="add the inline policy", account=None
    )

    assert not mapped.transient
    assert says in mapped.user_message
    assert f"AWS said ({code}): AWS text" in mapped.user_message


def test_a_real_client_call_is_classified_at_the_boundary() -> None:
    iam = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    stub = Stubber(iam)
    stub.add_client_error("put_role_policy", "MalformedPolicyDocument", "bad", 400)

    with stub, pytest.raises(FixRefused) as caught, aws_errors("add the inline policy"):
        iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=json.dumps({}))

    stub.assert_no_pending_responses()
    assert cause_code(caught.value) == "MalformedPolicyDocument"
    assert isinstance(caught.value.__cause__, ClientError)
