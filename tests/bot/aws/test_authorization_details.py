"""IAM Access Troubleshooter lookups: iam-toolbox through Stubber (moto has none), a real Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from botocore.stub import Stubber

from bot.aws.authorization_details import AuthorizationDetailsReader
from bot.aws.sessions import ReadSessions
from tests.bot.aws.conftest import PROD, CallLog
from tests.support import authorization_details as authz

AUTHORIZATION_ID = "a1b2c3d4e5f6g7h8i9j0"
ROLE = f"arn:aws:iam::{PROD.id}:role/service-role/AWSBackupDefaultServiceRole"
SESSION = f"arn:aws:sts::{PROD.id}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-Default"
DETAILS = authz.passrole_explicit_deny(ROLE, f"arn:aws:iam::{PROD.id}:role/app", SESSION)


@pytest.fixture
def reader(
    sessions: ReadSessions, redis_client: redis.Redis, redis_prefix: str
) -> AuthorizationDetailsReader:
    return AuthorizationDetailsReader(sessions, redis_client, redis_prefix, ttl_seconds=600)


@pytest.fixture
def toolbox(sessions: ReadSessions, stub: Callable[[Any], Stubber]) -> Callable[[str], Stubber]:
    stubbers: dict[str, Stubber] = {}

    def in_region(region: str) -> Stubber:
        if region not in stubbers:
            stubbers[region] = stub(sessions.client(PROD.id, "iam-toolbox", region))
        return stubbers[region]

    return in_region


def page(evaluations: list[dict[str, Any]], token: str | None = None) -> dict[str, Any]:
    """One page: AWS repeats the request context and the policies on each."""
    body = {k: v for k, v in DETAILS.items() if k != "evaluations"} | {"evaluations": evaluations}
    return body | ({"nextToken": token} if token else {})


def test_every_page_of_evaluations_is_read_and_merged(
    reader: AuthorizationDetailsReader, toolbox: Callable[[str], Stubber]
) -> None:
    first, second, third = DETAILS["evaluations"]
    stubber = toolbox("us-east-1")
    stubber.add_response(
        "get_request_authorization_details",
        page([first, second], "t2"),
        {"authorizationId": AUTHORIZATION_ID},
    )
    stubber.add_response(
        "get_request_authorization_details",
        page([third]),
        {"authorizationId": AUTHORIZATION_ID, "nextToken": "t2"},
    )

    lookup = reader.read(AUTHORIZATION_ID, PROD, "us-east-1")

    assert (lookup.status, lookup.account_id, lookup.region) == ("found", PROD.id, "us-east-1")
    assert lookup.details is not None
    assert lookup.details["evaluations"] == [first, second, third]
    assert lookup.details["policies"] == DETAILS["policies"]  # once, not once a page
    assert lookup.details["requestContext"]["aws:PrincipalArn"] == SESSION


def test_a_repeat_is_answered_from_the_cache_with_no_aws_call(
    reader: AuthorizationDetailsReader, toolbox: Callable[[str], Stubber], call_log: CallLog
) -> None:
    toolbox("us-east-1").add_response(
        "get_request_authorization_details", page(DETAILS["evaluations"])
    )
    first = reader.read(AUTHORIZATION_ID, PROD, "us-east-1")
    calls = call_log.count("GetRequestAuthorizationDetails")

    again = reader.read(AUTHORIZATION_ID, PROD, "us-east-1")

    assert again == first
    assert call_log.count("GetRequestAuthorizationDetails") == calls == 1


def test_details_not_in_the_links_region_are_looked_for_in_the_accounts_regions(
    reader: AuthorizationDetailsReader, toolbox: Callable[[str], Stubber]
) -> None:
    toolbox("us-east-1").add_client_error(
        "get_request_authorization_details", "ResourceNotFoundException", http_status_code=404
    )
    toolbox("eu-west-1").add_response(
        "get_request_authorization_details", page(DETAILS["evaluations"])
    )

    lookup = reader.read(AUTHORIZATION_ID, PROD, "us-east-1")

    assert (lookup.status, lookup.region) == ("found", "eu-west-1")


def test_details_found_nowhere_are_not_found_and_not_cached(
    reader: AuthorizationDetailsReader, toolbox: Callable[[str], Stubber]
) -> None:
    for region in PROD.regions:
        toolbox(region).add_client_error(
            "get_request_authorization_details", "ResourceNotFoundException", http_status_code=404
        )
    missing = reader.read(AUTHORIZATION_ID, PROD, None)
    toolbox("us-east-1").add_response(
        "get_request_authorization_details", page(DETAILS["evaluations"])
    )

    later = reader.read(AUTHORIZATION_ID, PROD, None)

    assert (missing.status, missing.details) == ("not_found", None)
    assert later.status == "found"  # details appear a little after the error: ask again


@pytest.mark.parametrize(
    ("code", "status", "words"),
    [
        ("AccessDeniedException", "no_permission", "iam:GetRequestAuthorizationDetails"),
        ("ThrottlingException", "failed", "AWS"),
        ("InternalServerException", "failed", ""),
    ],
)
def test_refusals_and_failures_say_why_and_never_raise(
    reader: AuthorizationDetailsReader,
    toolbox: Callable[[str], Stubber],
    code: str,
    status: str,
    words: str,
) -> None:
    message = (
        f"User: {PROD.read_role_arn} is not authorized to perform: "
        "iam:GetRequestAuthorizationDetails"
        if code == "AccessDeniedException"
        else "slow down"
    )
    toolbox("us-east-1").add_client_error(
        "get_request_authorization_details", code, message, http_status_code=400
    )

    lookup = reader.read(AUTHORIZATION_ID, PROD, "us-east-1")

    assert lookup.status == status
    assert lookup.problem
    assert words in lookup.problem


def test_with_redis_down_details_are_still_read(
    sessions: ReadSessions, toolbox: Callable[[str], Stubber]
) -> None:
    dead = redis.Redis(port=1, socket_connect_timeout=0.2)
    reader = AuthorizationDetailsReader(sessions, dead, "bd-test", ttl_seconds=60)
    toolbox("us-east-1").add_response(
        "get_request_authorization_details", page(DETAILS["evaluations"])
    )

    assert reader.read(AUTHORIZATION_ID, PROD, "us-east-1").status == "found"
