"""Applying fixes: idempotent writes, one restore per run, reverts of only the bot's policy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.errors import FixRefused
from bot.fixes import (
    INSTANCE_PROFILE_KEY,
    PlanInputs,
    apply_fix,
    grant_passrole,
    idempotency_token,
    plan_fix,
    plan_revert,
)
from bot.fixes.inline_grant import IAM_SETTLE_SECONDS
from bot.models import FixPlan
from tests.bot.fixes.conftest import EXISTING_POLICY, StubbedSession, fix_run
from tests.bot.fixes.factories import (
    ACCOUNT,
    METADATA,
    RECOVERY_POINT,
    RESTORE_ROLE,
    diagnosis,
    grant_remedy,
    restore_plan,
)

REQUEST_ID = "fedcba9876543210fedcba9876543210"
REVERT_ID = "0123456789abcdef0123456789abcdef"
ROLE = RESTORE_ROLE.rsplit("/", 1)[-1]
BOT_POLICY = f"backup-doctor-passrole-{REQUEST_ID[:12]}"


def expect_restore(stub: Stubber, plan: FixPlan, token: str, job_id: str = "restore-1") -> None:
    params = dict(plan.restore_params or {}) | {"IdempotencyToken": token}
    stub.add_response("start_restore_job", {"RestoreJobId": job_id}, params)


@pytest.fixture
def grant(iam: Any) -> FixPlan:
    return plan_fix(PlanInputs(diagnosis(), REQUEST_ID, iam, remedy=grant_remedy(), simulate=False))


def test_applying_a_grant_twice_leaves_one_policy_and_one_restore(
    iam: Any, backup: Any, grant: FixPlan
) -> None:
    token = idempotency_token(REQUEST_ID, "GRANT_PASSROLE", 0)
    stub = Stubber(backup)
    expect_restore(stub, grant, token)
    expect_restore(stub, grant, token)  # AWS answers a repeated token with the same job
    pauses: list[float] = []
    session = StubbedSession(backup=backup)

    with stub:
        first = apply_grant(grant, session, pauses)
        second = apply_grant(grant, session, pauses)

    stub.assert_no_pending_responses()
    assert sorted(iam.list_role_policies(RoleName=ROLE)["PolicyNames"]) == [BOT_POLICY, "existing"]
    assert (first.policy_put, second.policy_put) == (True, False)
    assert first.restore_job_id == second.restore_job_id == "restore-1"
    assert first.idempotency_token == second.idempotency_token == token
    assert pauses == [IAM_SETTLE_SECONDS]  # only after the write that changed IAM


def apply_grant(plan: FixPlan, session: StubbedSession, pauses: list[float]) -> Any:
    return grant_passrole.apply(plan, fix_run(REQUEST_ID, session, sleep=pauses.append))


def test_the_grant_is_the_planned_document(iam: Any, grant: FixPlan) -> None:
    apply_fix(
        grant.model_copy(update={"restore_params": None}), fix_run(REQUEST_ID, StubbedSession())
    )

    stored = iam.get_role_policy(RoleName=ROLE, PolicyName=BOT_POLICY)["PolicyDocument"]
    assert stored == grant.policy


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"policy_name": "existing"}, "not this request's grant"),
        (
            {"policy": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
            "will not",
        ),
        ({"role_arn": "arn:aws:iam::999999999999:role/x"}, "another account"),
        ({"role_arn": "arn:aws:s3:::bucket"}, "not an IAM role ARN"),
    ],
    ids=["another name", "wide policy", "other account", "not a role"],
)
def test_a_tampered_grant_plan_changes_nothing(
    iam: Any, grant: FixPlan, changes: dict[str, Any], reason: str
) -> None:
    tampered = grant.model_copy(update=changes)

    with pytest.raises(FixRefused, match=reason):
        apply_fix(tampered, fix_run(REQUEST_ID, StubbedSession()))

    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["existing"]
    assert iam.get_role_policy(RoleName=ROLE, PolicyName="existing")["PolicyDocument"] == (
        EXISTING_POLICY
    )


def test_restore_without_role_starts_the_restore_without_the_profile(backup: Any) -> None:
    plan = restore_plan()
    stub = Stubber(backup)
    metadata = {k: v for k, v in METADATA.items() if k != INSTANCE_PROFILE_KEY}
    token = idempotency_token(REQUEST_ID, "RESTORE_WITHOUT_IAM_ROLE", 0)
    stub.add_response(
        "start_restore_job",
        {"RestoreJobId": "restore-2"},
        {
            "RecoveryPointArn": RECOVERY_POINT,
            "IamRoleArn": RESTORE_ROLE,
            "ResourceType": "EC2",
            "Metadata": metadata,
            "IdempotencyToken": token,
        },
    )

    with stub:
        outcome = apply_fix(plan, fix_run(REQUEST_ID, StubbedSession(backup=backup)))

    stub.assert_no_pending_responses()
    assert (outcome.restore_job_id, outcome.idempotency_token) == ("restore-2", token)


def test_a_restore_plan_carrying_the_profile_is_refused(backup: Any) -> None:
    plan = restore_plan()
    params = dict(plan.restore_params or {})
    params["Metadata"] = METADATA
    stub = Stubber(backup)

    with stub, pytest.raises(FixRefused, match="not a restore without an IAM role"):
        apply_fix(
            plan.model_copy(update={"restore_params": params}),
            fix_run(REQUEST_ID, StubbedSession(backup=backup)),
        )

    stub.assert_no_pending_responses()


def test_only_known_restore_parameters_reach_aws(backup: Any) -> None:
    plan = restore_plan()
    params = dict(plan.restore_params or {}) | {"CopySourceTagsToRestoredResource": True}
    stub = Stubber(backup)
    expect_restore(stub, restore_plan(), idempotency_token(REQUEST_ID, plan.fix, 0))

    with stub:
        apply_fix(
            plan.model_copy(update={"restore_params": params}),
            fix_run(REQUEST_ID, StubbedSession(backup=backup)),
        )

    stub.assert_no_pending_responses()


def test_tokens_are_the_same_for_a_run_and_new_for_each_retry() -> None:
    token = idempotency_token(REQUEST_ID, "GRANT_PASSROLE", 0)

    assert token == idempotency_token(REQUEST_ID, "GRANT_PASSROLE", 0)
    assert uuid.UUID(token).version == 5
    others = {
        idempotency_token(REQUEST_ID, "GRANT_PASSROLE", 1),
        idempotency_token(REQUEST_ID, "RESTORE_WITHOUT_IAM_ROLE", 0),
        idempotency_token("0" * 32, "GRANT_PASSROLE", 0),
    }
    assert token not in others
    assert len(others) == 3


def test_a_revert_removes_exactly_the_bots_policy(iam: Any, grant: FixPlan) -> None:
    apply_fix(
        grant.model_copy(update={"restore_params": None}), fix_run(REQUEST_ID, StubbedSession())
    )
    undo = plan_revert(grant, diagnosis=diagnosis(), request_id=REVERT_ID, iam=iam)

    outcome = apply_fix(undo, fix_run(REVERT_ID, StubbedSession()))

    assert outcome.policy_removed is True
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["existing"]
    assert set(undo.current_inline_policies) == {BOT_POLICY, "existing"}


def test_reverting_twice_is_fine(iam: Any, grant: FixPlan) -> None:
    apply_fix(
        grant.model_copy(update={"restore_params": None}), fix_run(REQUEST_ID, StubbedSession())
    )
    undo = plan_revert(grant, diagnosis=diagnosis(), request_id=REVERT_ID, iam=iam)
    apply_fix(undo, fix_run(REVERT_ID, StubbedSession()))

    again = apply_fix(undo, fix_run("another-request", StubbedSession()))

    assert again.policy_removed is False
    assert "already removed" in again.summary
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["existing"]


def test_a_revert_never_removes_a_policy_the_bot_did_not_name(iam: Any, grant: FixPlan) -> None:
    undo = plan_revert(grant, diagnosis=diagnosis(), request_id=REVERT_ID, iam=iam).model_copy(
        update={"policy_name": "existing"}
    )

    with pytest.raises(FixRefused, match="Only a policy the bot added"):
        apply_fix(undo, fix_run(REVERT_ID, StubbedSession()))

    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["existing"]


def test_only_a_grant_can_be_planned_for_revert(iam: Any) -> None:
    with pytest.raises(FixRefused, match="Only a finished permission grant"):
        plan_revert(restore_plan(), diagnosis=diagnosis(), request_id=REVERT_ID, iam=iam)


def test_plans_name_the_account_of_the_role(grant: FixPlan) -> None:
    assert grant.account_id == ACCOUNT
