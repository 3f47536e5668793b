"""Fix plans: exactly what approvers see before anything changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.errors import FixRefused
from bot.fixes import INSTANCE_PROFILE_KEY, PlanInputs, plan_fix, policy_diff
from bot.fixes.grant_passrole import policy_name_for
from bot.models import Remedy
from tests.bot.fixes.conftest import EXISTING_POLICY
from tests.bot.fixes.factories import (
    ACCOUNT,
    INSTANCE_ROLE,
    METADATA,
    RECOVERY_POINT,
    RESTORE_ROLE,
    diagnosis,
    grant_remedy,
    no_role_remedy,
    passrole_policy,
    restore_job,
)

REQUEST_ID = "0123456789abcdef0123456789abcdef"


def test_restore_without_role_drops_only_the_instance_profile(iam: Any) -> None:
    plan = plan_fix(
        PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=no_role_remedy(), simulate=False)
    )

    assert plan.fix == "RESTORE_WITHOUT_IAM_ROLE"
    assert plan.restore_params == {
        "RecoveryPointArn": RECOVERY_POINT,
        "IamRoleArn": RESTORE_ROLE,
        "ResourceType": "EC2",
        "Metadata": {k: v for k, v in METADATA.items() if k != INSTANCE_PROFILE_KEY},
    }
    assert (plan.role_arn, plan.policy) == (None, None)
    assert policy_diff(plan) == ""


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        (restore_job(metadata={"InstanceType": "t3.micro"}), "did not pass an instance profile"),
        (restore_job(job_type="backup"), "Only a restore job"),
        (restore_job(recovery_point_arn=None), "is unknown"),
        (restore_job(metadata={}), "is unknown"),
    ],
)
def test_restore_without_role_needs_a_restore_that_used_an_instance_profile(
    iam: Any, job: Any, reason: str
) -> None:
    with pytest.raises(FixRefused, match=reason):
        plan_fix(
            PlanInputs(diagnosis(job), REQUEST_ID, iam, remedy=no_role_remedy(), simulate=False)
        )


def test_a_grant_plan_names_its_policy_after_the_request_and_keeps_the_profile(iam: Any) -> None:
    plan = plan_fix(PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(), simulate=False))

    assert plan.policy_name == "backup-doctor-passrole-0123456789ab"
    assert plan.policy_name == policy_name_for(REQUEST_ID)
    assert (plan.role_arn, plan.policy, plan.account_id) == (
        RESTORE_ROLE,
        passrole_policy(),
        ACCOUNT,
    )
    assert plan.current_inline_policies == {"existing": EXISTING_POLICY}
    assert plan.restore_params is not None
    assert plan.restore_params["Metadata"] == METADATA
    assert (plan.simulation_before, plan.simulation_after) == (None, None)


def test_a_grant_plan_without_a_restore_job_only_grants(iam: Any) -> None:
    bare = diagnosis().model_copy(update={"job": None})
    bare = bare.model_copy(update={"input": bare.input.model_copy(update={"region": "eu-west-1"})})

    plan = plan_fix(PlanInputs(bare, REQUEST_ID, iam, remedy=grant_remedy(), simulate=False))

    assert plan.restore_params is None
    assert plan.region == "eu-west-1"


def test_the_diff_shows_the_new_policy_and_leaves_the_others(iam: Any) -> None:
    plan = plan_fix(PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(), simulate=False))

    diff = policy_diff(plan)

    added = [line for line in diff.splitlines() if line.startswith("+")]
    removed = [line for line in diff.splitlines() if line.startswith("-")]
    assert added[0].startswith("+++ AWSBackupDefaultServiceRole inline policies after")
    assert any('"backup-doctor-passrole-0123456789ab": {' in line for line in added)
    assert any('"iam:PassRole"' in line for line in added)
    assert removed == ["--- AWSBackupDefaultServiceRole inline policies now"]


def test_simulation_shows_the_decision_before_and_after_the_grant(iam: Any) -> None:
    stub = Stubber(iam)
    expected = {
        "PolicySourceArn": RESTORE_ROLE,
        "ActionNames": ["iam:PassRole"],
        "ResourceArns": [INSTANCE_ROLE],
        "ContextEntries": [
            {
                "ContextKeyName": "iam:PassedToService",
                "ContextKeyValues": ["ec2.amazonaws.com"],
                "ContextKeyType": "string",
            }
        ],
    }
    with_grant = {"PolicyInputList": [json.dumps(passrole_policy())]}
    for decision, extra in (("implicitDeny", {}), ("allowed", with_grant)):
        stub.add_response(
            "simulate_principal_policy",
            {"EvaluationResults": [{"EvalActionName": "iam:PassRole", "EvalDecision": decision}]},
            expected | extra,
        )
    stub.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": _role()})

    with stub:
        plan = plan_fix(
            PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(), simulate=True)
        )

    stub.assert_no_pending_responses()
    assert (plan.simulation_before, plan.simulation_after) == ("implicitDeny", "allowed")


def test_a_simulation_the_read_role_may_not_run_is_left_out(iam: Any) -> None:
    stub = Stubber(iam)
    for _ in range(2):
        stub.add_client_error("simulate_principal_policy", "AccessDenied", http_status_code=403)
    stub.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": _role()})

    with stub:
        plan = plan_fix(
            PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(), simulate=True)
        )

    stub.assert_no_pending_responses()
    assert (plan.simulation_before, plan.simulation_after) == (None, None)


def _statement(**changes: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "iam:PassRole", "Resource": INSTANCE_ROLE} | changes


@pytest.mark.parametrize(
    "policy",
    [
        {"Statement": [_statement(Action="*")]},
        {"Statement": [_statement(Action="iam:*")]},
        {"Statement": [_statement(Action=["iam:PassRole", "iam:CreateRole"])]},
        {"Statement": [_statement(Resource="*")]},
        {"Statement": [_statement(Resource=f"arn:aws:iam::{ACCOUNT}:role/*")]},
        {"Statement": [_statement(Resource="arn:aws:iam::999999999999:role/other")]},
        {"Statement": [_statement(Effect="Deny")]},
        {"Statement": [_statement(NotResource="arn:aws:s3:::x")]},
        {"Statement": [_statement(), _statement(Action="s3:GetObject")]},
        {"Statement": []},
    ],
    ids=[
        "any action",
        "any iam action",
        "two actions",
        "any resource",
        "wildcard role",
        "other account",
        "deny",
        "not-resource",
        "extra statement",
        "empty",
    ],
)
def test_anything_but_a_narrow_passrole_grant_is_refused(iam: Any, policy: dict[str, Any]) -> None:
    with pytest.raises(FixRefused, match="will not apply this policy"):
        plan_fix(
            PlanInputs(
                diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(policy=policy), simulate=False
            )
        )


@pytest.mark.parametrize(
    "remedy",
    [
        no_role_remedy().model_copy(update={"fix": None}),
        no_role_remedy().model_copy(update={"fix": "DELETE_EVERYTHING"}),
        no_role_remedy().model_copy(update={"automatic": False}),
        no_role_remedy().model_copy(update={"fix": "REVERT_GRANT"}),
    ],
    ids=["no fix", "unknown fix", "manual remedy", "revert is not a remedy"],
)
def test_only_catalogue_fixes_can_be_planned(iam: Any, remedy: Remedy) -> None:
    with pytest.raises(FixRefused, match="cannot carry out"):
        plan_fix(PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=remedy, simulate=False))


def _role() -> str:
    return RESTORE_ROLE.rsplit("/", 1)[-1]
