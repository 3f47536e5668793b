"""Inline role policies on moto's IAM; SimulatePrincipalPolicy through Stubber (moto lacks it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.aws import iam
from bot.aws.sessions import ReadSessions
from bot.errors import BackupDoctorError, BotAccessDenied
from tests.bot.aws.conftest import PROD

ROLE = "AWSBackupDefaultServiceRole"
ROLE_ARN = f"arn:aws:iam::111111111111:role/service-role/{ROLE}"
PASS_ROLE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "arn:aws:iam::111111111111:role/app-instance-role",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        }
    ],
}

EXISTING = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}],
}


@pytest.fixture
def client(sessions: ReadSessions) -> Any:
    """IAM in the prod account (moto), with the restore role created."""
    iam_client = sessions.client(PROD.id, "iam", "us-east-1")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam_client.create_role(
        RoleName=ROLE, Path="/service-role/", AssumeRolePolicyDocument=json.dumps(trust)
    )
    return iam_client


def test_put_then_read_inline_policies(client: Any) -> None:
    iam.put_inline_policy(client, ROLE, "backup-doctor-req-1", PASS_ROLE)
    iam.put_inline_policy(client, ROLE, "existing", EXISTING)

    policies = iam.inline_policies(client, ROLE)

    assert policies == {"backup-doctor-req-1": PASS_ROLE, "existing": EXISTING}


def test_putting_the_same_policy_twice_is_idempotent(client: Any) -> None:
    iam.put_inline_policy(client, ROLE, "backup-doctor-req-1", PASS_ROLE)
    iam.put_inline_policy(client, ROLE, "backup-doctor-req-1", PASS_ROLE)

    assert iam.inline_policies(client, ROLE) == {"backup-doctor-req-1": PASS_ROLE}


def test_delete_removes_the_policy_and_a_second_delete_is_a_no_op(client: Any) -> None:
    iam.put_inline_policy(client, ROLE, "backup-doctor-req-1", PASS_ROLE)

    assert iam.delete_inline_policy(client, ROLE, "backup-doctor-req-1") is True
    assert iam.delete_inline_policy(client, ROLE, "backup-doctor-req-1") is False
    assert iam.inline_policies(client, ROLE) == {}


def test_reading_a_missing_role_is_a_clear_error(client: Any) -> None:
    with pytest.raises(BackupDoctorError, match="role Missing"):
        iam.inline_policies(client, "Missing", account=PROD)


def test_url_encoded_documents_are_decoded(client: Any, stub: Callable[[Any], Stubber]) -> None:
    stubber = stub(client)
    stubber.add_response("list_role_policies", {"PolicyNames": ["p"], "IsTruncated": False})
    encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
    stubber.add_response(
        "get_role_policy", {"RoleName": ROLE, "PolicyName": "p", "PolicyDocument": encoded}
    )

    assert iam.inline_policies(client, ROLE) == {"p": {"Version": "2012-10-17", "Statement": []}}


def test_fix_role_denied_put_names_the_fix_role(
    client: Any, stub: Callable[[Any], Stubber]
) -> None:
    stub(client).add_client_error("put_role_policy", "AccessDenied", "not authorized", 403)

    with pytest.raises(BotAccessDenied) as caught:
        iam.put_inline_policy(client, ROLE, "p", PASS_ROLE, account=PROD)

    assert "iam:PutRolePolicy" in caught.value.user_message
    assert str(PROD.fix_role_arn) in caught.value.user_message


def test_simulate_sends_the_extra_policy_and_context(
    client: Any, stub: Callable[[Any], Stubber]
) -> None:
    stub(client).add_response(
        "simulate_principal_policy",
        {"EvaluationResults": [{"EvalActionName": "iam:PassRole", "EvalDecision": "allowed"}]},
        {
            "PolicySourceArn": ROLE_ARN,
            "ActionNames": ["iam:PassRole"],
            "ResourceArns": ["arn:aws:iam::111111111111:role/app-instance-role"],
            "PolicyInputList": [json.dumps(PASS_ROLE)],
            "ContextEntries": [
                {
                    "ContextKeyName": "iam:PassedToService",
                    "ContextKeyValues": ["ec2.amazonaws.com"],
                    "ContextKeyType": "string",
                },
                {
                    "ContextKeyName": "aws:MultiFactorAuthPresent",
                    "ContextKeyValues": ["true"],
                    "ContextKeyType": "boolean",
                },
                {
                    "ContextKeyName": "aws:TagKeys",
                    "ContextKeyValues": ["team", "env"],
                    "ContextKeyType": "stringList",
                },
            ],
        },
    )

    decision = iam.simulate(
        client,
        ROLE_ARN,
        "iam:PassRole",
        "arn:aws:iam::111111111111:role/app-instance-role",
        extra_policy=PASS_ROLE,
        context={
            "iam:PassedToService": "ec2.amazonaws.com",
            "aws:MultiFactorAuthPresent": True,
            "aws:TagKeys": ["team", "env"],
        },
    )

    assert decision == "allowed"


@pytest.mark.parametrize("decision", ["implicitDeny", "explicitDeny"])
def test_simulate_returns_the_denial_kind(
    client: Any, stub: Callable[[Any], Stubber], decision: str
) -> None:
    stub(client).add_response(
        "simulate_principal_policy",
        {"EvaluationResults": [{"EvalActionName": "iam:PassRole", "EvalDecision": decision}]},
        {"PolicySourceArn": ROLE_ARN, "ActionNames": ["iam:PassRole"], "ResourceArns": ["*"]},
    )

    assert iam.simulate(client, ROLE_ARN, "iam:PassRole", "*") == decision


def test_simulate_denied_names_the_read_role(client: Any, stub: Callable[[Any], Stubber]) -> None:
    stub(client).add_client_error("simulate_principal_policy", "AccessDenied", "no", 403)

    with pytest.raises(BotAccessDenied) as caught:
        iam.simulate(client, ROLE_ARN, "iam:PassRole", "*", account=PROD)

    assert "iam:SimulatePrincipalPolicy" in caught.value.user_message
    assert PROD.read_role_arn in caught.value.user_message
