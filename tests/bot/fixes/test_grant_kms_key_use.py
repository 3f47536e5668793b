"""GRANT_KMS_KEY_USE: exactly the denied key use on one key, applied once, reverted whole."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from bot.diagnosis.policy import least_privilege_policy
from bot.errors import FixRefused
from bot.fixes import PlanInputs, apply_fix, idempotency_token, plan_fix, plan_revert
from bot.fixes.grant_kms_key_use import check_key_use_policy, policy_name_for
from bot.models import Diagnosis, FixPlan, Remedy
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.fixes.conftest import EXISTING_POLICY, StubbedSession, fix_run
from tests.bot.fixes.factories import ACCOUNT, METADATA, RESTORE_ROLE, diagnosis

REQUEST_ID = "abcdefabcdef0123456789abcdef0123"
REVERT_ID = "0123456789abcdef0123456789abcdee"
ROLE = RESTORE_ROLE.rsplit("/", 1)[-1]
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA_EBS = {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}


def key_remedy(policy: dict[str, Any] | None) -> Remedy:
    return Remedy(
        id="GRANT_KMS_KEY_USE",
        title="Allow this key action in the role's policy",
        description="Adds kms:Decrypt on the key to the restore role.",
        changes_iam=True,
        automatic=True,
        fix="GRANT_KMS_KEY_USE",
        attach_to=RESTORE_ROLE,
        policy=policy,
    )


def key_diagnosis(policy: dict[str, Any] | None) -> Diagnosis:
    return diagnosis().model_copy(update={"remedies": [key_remedy(policy)]})


def _plan(iam: Any, policy: dict[str, Any] | None) -> FixPlan:
    inputs = PlanInputs(
        key_diagnosis(policy), REQUEST_ID, iam, remedy=key_remedy(policy), simulate=False
    )
    return plan_fix(inputs)


@pytest.fixture
def grant(iam: Any) -> FixPlan:
    return _plan(iam, least_privilege_policy("kms:Decrypt", KEY, VIA_EBS))


def test_the_plan_is_the_denied_use_on_the_one_key_through_the_service(grant: FixPlan) -> None:
    assert grant.fix == "GRANT_KMS_KEY_USE"
    assert grant.policy_name == policy_name_for(REQUEST_ID)
    assert grant.policy is not None
    (statement,) = grant.policy["Statement"]
    assert (statement["Action"], statement["Resource"]) == ("kms:Decrypt", KEY)
    assert statement["Condition"] == VIA_EBS
    assert_least_privilege(grant.policy, "kms:Decrypt", KEY)
    assert grant.current_inline_policies == {"existing": EXISTING_POLICY}
    assert grant.restore_params is not None
    assert grant.restore_params["Metadata"] == METADATA  # re-run as it was, profile kept


def test_create_grant_is_only_for_aws_resources(iam: Any) -> None:
    conditions = {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    plan = _plan(iam, least_privilege_policy("kms:CreateGrant", KEY, conditions))
    assert plan.policy is not None
    assert plan.policy["Statement"][0]["Condition"] == conditions


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ({"Effect": "Allow", "Action": "kms:*", "Resource": KEY}, "key use only"),
        ({"Effect": "Allow", "Action": "kms:PutKeyPolicy", "Resource": KEY}, "key use only"),
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}, "one KMS key"),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/backups",
            },
            "one KMS key",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": KEY,
                "Condition": {"StringLike": {"kms:ViaService": "*"}},
            },
            "not one the bot writes",
        ),
        ({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": KEY}, "key use only"),
    ],
    ids=["kms:*", "key policy write", "any resource", "an alias", "a wildcard condition", "deny"],
)
def test_anything_wider_is_refused(statement: dict[str, Any], reason: str) -> None:
    with pytest.raises(FixRefused, match=reason):
        check_key_use_policy({"Version": "2012-10-17", "Statement": [statement]})


def test_applying_twice_leaves_one_policy_and_one_restore(
    iam: Any, backup: Any, grant: FixPlan
) -> None:
    token = idempotency_token(REQUEST_ID, "GRANT_KMS_KEY_USE", 0)
    stub = Stubber(backup)
    for _ in range(2):  # the same token: AWS answers with the same job
        stub.add_response(
            "start_restore_job",
            {"RestoreJobId": "restore-9"},
            {**(grant.restore_params or {}), "IdempotencyToken": token},
        )
    session = StubbedSession(backup=backup)

    with stub:
        first = apply_fix(grant, fix_run(REQUEST_ID, session, sleep=lambda _s: None))
        second = apply_fix(grant, fix_run(REQUEST_ID, session, sleep=lambda _s: None))

    stub.assert_no_pending_responses()
    names = sorted(iam.list_role_policies(RoleName=ROLE)["PolicyNames"])
    assert names == sorted([policy_name_for(REQUEST_ID), "existing"])
    assert (first.policy_put, second.policy_put) == (True, False)
    assert first.restore_job_id == second.restore_job_id == "restore-9"


def test_a_tampered_plan_writes_nothing(iam: Any, grant: FixPlan) -> None:
    everything = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}
    wide = {"Version": "2012-10-17", "Statement": [everything]}
    with pytest.raises(FixRefused, match="will not"):
        apply_fix(grant.model_copy(update={"policy": wide}), fix_run(REQUEST_ID, StubbedSession()))
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["existing"]


def test_a_revert_leaves_the_role_exactly_as_before(iam: Any, grant: FixPlan) -> None:
    before = {
        n: iam.get_role_policy(RoleName=ROLE, PolicyName=n)["PolicyDocument"]
        for n in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]
    }
    apply_fix(
        grant.model_copy(update={"restore_params": None}), fix_run(REQUEST_ID, StubbedSession())
    )

    undo = plan_revert(grant, diagnosis=key_diagnosis(grant.policy), request_id=REVERT_ID, iam=iam)
    outcome = apply_fix(undo, fix_run(REVERT_ID, StubbedSession()))

    assert outcome.policy_removed
    after = {
        n: iam.get_role_policy(RoleName=ROLE, PolicyName=n)["PolicyDocument"]
        for n in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]
    }
    assert after == before
