"""A role changed since its fix was planned is drift; finding the plan's own result is not."""

from __future__ import annotations

from typing import Any

from bot.fixes.drift import inline_policy_drift
from tests.bot.fixes.factories import grant_plan

REQUEST_ID = "0123456789abcdef0123456789abcdef"
OTHER: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def test_the_role_as_planned_is_no_drift() -> None:
    plan = grant_plan(REQUEST_ID)
    assert inline_policy_drift(plan, dict(plan.current_inline_policies)) is None


def test_the_plan_already_applied_is_no_drift() -> None:
    plan = grant_plan(REQUEST_ID)
    assert inline_policy_drift(plan, plan.policies_after()) is None


def test_a_policy_added_changed_or_removed_since_is_drift_named() -> None:
    plan = grant_plan(REQUEST_ID)
    added = {**plan.current_inline_policies, "added-by-someone": OTHER}
    found = inline_policy_drift(plan, added)
    assert found is not None
    assert "added-by-someone" in found
    assert "Nothing was changed" in found
    for name in plan.current_inline_policies:
        changed = {**plan.current_inline_policies, name: OTHER}
        assert name in (inline_policy_drift(plan, changed) or "")
        assert name in (inline_policy_drift(plan, {}) or "")


def test_a_plan_that_changes_no_policy_never_drifts() -> None:
    plan = grant_plan(REQUEST_ID).model_copy(update={"inline_policies_after": None})
    assert inline_policy_drift(plan, {"anything": OTHER}) is None


def test_another_request_s_policy_added_meanwhile_is_not_drift() -> None:
    plan = grant_plan(REQUEST_ID)
    other_grant = {**plan.current_inline_policies, "backup-doctor-passrole-fedcba987654": OTHER}
    assert inline_policy_drift(plan, other_grant) is None
    assert inline_policy_drift(plan, {**plan.policies_after(), **other_grant}) is None
