"""Generated policies grant exactly the denied request, and parliament agrees they are sound."""

from __future__ import annotations

import pytest
from parliament.statement import get_privilege_info

from bot.diagnosis.policy import (
    WILDCARD_ONLY_ACTIONS,
    least_privilege_policy,
    passrole_policy,
    statement_sid,
)
from tests.bot.diagnosis.least_privilege import assert_least_privilege, parliament_problems

EXACT = [
    ("iam:PassRole", "arn:aws:iam::111122223333:role/AmazonSSMRoleForInstancesQuickSetup"),
    ("iam:PassRole", "arn:aws:iam::111122223333:role/service-role/with-path"),
    ("ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"),
    ("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"),
    ("ec2:CreateTags", "arn:aws:ec2:us-east-1:111122223333:volume/*"),
    ("ec2:CreateFleet", "arn:aws:ec2:us-west-2:111122223333:launch-template/*"),
    (
        "kms:CreateGrant",
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("kms:Decrypt", "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("s3:GetObject", "arn:aws:s3:::my-bucket/path/file.txt"),
    ("sts:AssumeRole", "arn:aws:iam::111122223333:role/Deployer"),
    ("ec2:DescribeInstances", "*"),
]


@pytest.mark.parametrize(("action", "resource"), EXACT)
def test_policy_is_exact_and_parliament_clean(action: str, resource: str) -> None:
    policy = least_privilege_policy(action, resource)
    assert policy is not None
    assert_least_privilege(policy, action, resource)
    assert "Condition" not in policy["Statement"][0]


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:PassRole", None),
        ("iam:PassRole", "*"),  # PassRole takes role ARNs: a bare * would pass any role
        ("ec2:RunInstances", "*"),
        ("iam:PassRole", "arn:aws:iam::accountID:role/X"),
        ("iam:PassRole", "arn:aws:iam::[redacted]:role/X"),
        ("ec2:CreateFleet", "arn:aws:ec2:us-west-2:XXXXXX:launch-template/*"),
        ("ec2:RunInstances", "arn:aws:ec2:*:*:volume/*"),
        ("iam:PassRole", "arn:aws:ec2:us-east-1:111122223333:instance/*"),  # wrong service
        ("iam:Pass*", "arn:aws:iam::111122223333:role/X"),
        ("kms:ReEncrypt*", "arn:aws:kms:eu-west-1:111122223333:key/k"),
        (None, "arn:aws:iam::111122223333:role/X"),
        ("PassRole", "arn:aws:iam::111122223333:role/X"),
        ("ec2:RunInstances", "arn:aws:ec2:eu-central-1:[redacted:account_id]:instance/*"),
    ],
)
def test_no_policy_when_it_cannot_be_exact(action: str | None, resource: str | None) -> None:
    assert least_privilege_policy(action, resource) is None


def test_passrole_policy_is_limited_to_the_service() -> None:
    role = "arn:aws:iam::111122223333:role/AmazonSSMRoleForInstancesQuickSetup"
    policy = passrole_policy(role, "ec2.amazonaws.com")
    assert policy is not None
    assert_least_privilege(policy, "iam:PassRole", role)
    condition = policy["Statement"][0]["Condition"]
    assert condition == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}


def test_passrole_policy_without_service_has_no_condition() -> None:
    role = "arn:aws:iam::111122223333:role/app"
    policy = passrole_policy(role, None)
    assert policy is not None
    assert "Condition" not in policy["Statement"][0]


def test_sid_is_stable_and_differs_by_resource() -> None:
    first = statement_sid("iam:PassRole", "arn:aws:iam::111122223333:role/a")
    assert first == statement_sid("iam:PassRole", "arn:aws:iam::111122223333:role/a")
    assert first != statement_sid("iam:PassRole", "arn:aws:iam::111122223333:role/b")
    assert first.isalnum()


@pytest.mark.parametrize("action", sorted(WILDCARD_ONLY_ACTIONS))
def test_wildcard_only_actions_really_take_only_star(action: str) -> None:
    service, name = action.split(":")
    resource_types = [
        r["resource_type"] for r in get_privilege_info(service, name)["resource_types"]
    ]
    assert resource_types == [""]


@pytest.mark.parametrize(
    ("action", "resource", "issue"),
    [
        ("iam:PassRole", "*", "RESOURCE_STAR"),
        (
            "ec2:DescribeInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
            "RESOURCE_MISMATCH",
        ),
        ("ec2:RunInstances", "arn:aws:iam::111122223333:role/x", "RESOURCE_MISMATCH"),
    ],
)
def test_the_parliament_check_still_catches_bad_grants(
    action: str, resource: str, issue: str
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Bad", "Effect": "Allow", "Action": action, "Resource": resource}],
    }
    problems = parliament_problems(policy)
    assert [p.split(":")[0] for p in problems] == [issue]
