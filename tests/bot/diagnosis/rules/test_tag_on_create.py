"""Rule: ec2:CreateTags denied when tags are set while creating a resource."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import tag_on_create
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.diagnosis.messages import decoded_message

CALLER = "arn:aws:sts::111122223333:assumed-role/Deployer/ci"
VOLUMES = "arn:aws:ec2:us-east-1:111122223333:volume/*"


@pytest.mark.parametrize(
    ("context", "condition"),
    [
        (
            {"ec2:CreateAction": "RunInstances"},
            {"StringEquals": {"ec2:CreateAction": "RunInstances"}},
        ),
        (
            {"ec2:CreateAction": "CreateVolume"},
            {"StringEquals": {"ec2:CreateAction": "CreateVolume"}},
        ),
        ({}, None),
    ],
)
def test_grant_is_limited_to_the_creating_call(
    make_ctx: RuleContextFactory,
    context: dict[str, str],
    condition: dict[str, dict[str, str]] | None,
) -> None:
    ctx = make_ctx(decoded_message(CALLER, "CreateTags", VOLUMES, explicit=False, context=context))
    (hit,) = tag_on_create.check(ctx)
    policy = hit.remedies["GRANT_CREATE_TAGS_ON_CREATE"].policy
    assert policy is not None
    assert_least_privilege(policy, "ec2:CreateTags", VOLUMES)
    assert policy["Statement"][0].get("Condition") == condition


@pytest.mark.parametrize(
    ("action", "explicit", "fires"),
    [
        ("ec2:CreateTags", False, True),
        ("ec2:CreateTags", True, False),
        ("ec2:RunInstances", False, False),
    ],
)
def test_when_it_fires(
    make_ctx: RuleContextFactory, action: str, explicit: bool, fires: bool
) -> None:
    ctx = make_ctx(decoded_message(CALLER, action, VOLUMES, explicit=explicit))
    assert bool(tag_on_create.check(ctx)) is fires


def test_unknown_resource_gives_no_policy(make_ctx: RuleContextFactory) -> None:
    (hit,) = tag_on_create.check(
        make_ctx(decoded_message(CALLER, "ec2:CreateTags", explicit=False))
    )
    assert hit.remedies["GRANT_CREATE_TAGS_ON_CREATE"].policy is None
