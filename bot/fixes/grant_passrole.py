"""GRANT_PASSROLE: let the restore role pass the instance's role, then re-run the restore.

The grant is one inline policy with a fixed, request-derived name, so putting it twice leaves one
policy and a revert knows exactly what to delete.
"""

from __future__ import annotations

from typing import Any, Final

from bot.errors import FixRefused
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.inline_grant import plan_grant, put_and_rerun
from bot.fixes.policies import check_passrole_policy, parse_role_arn
from bot.models import FixPlan

ID = "GRANT_PASSROLE"
#: every inline policy the bot adds starts with this; a revert deletes nothing else
POLICY_PREFIX: Final = "backup-doctor-passrole-"


def policy_name_for(request_id: str) -> str:
    """The inline policy name of a request's grant (fixed: the same request, the same name)."""
    return f"{POLICY_PREFIX}{request_id[:12]}"


def plan(inputs: PlanInputs) -> FixPlan:
    """The grant (policy, role, current policies, simulation) and the restore re-run, if any."""
    return plan_grant(ID, inputs, check_passrole_policy, policy_name_for(inputs.request_id))


def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Put the inline policy (unless already in place), then start the re-run idempotently."""
    role_name, policy = _checked(plan, run.request_id)
    return put_and_rerun(plan, run, role_name, policy_name_for(run.request_id), policy)


def _checked(plan: FixPlan, request_id: str) -> tuple[str, dict[str, Any]]:
    """Re-vet the stored plan just before writing: right fix, right name, narrow policy."""
    if plan.fix != ID or plan.policy_name != policy_name_for(request_id):
        raise FixRefused("This plan is not this request's grant.", "Request the fix again.")
    account_id, role_name = parse_role_arn(plan.role_arn or "")
    if account_id != plan.account_id:
        raise FixRefused("The plan's role is in another account.", "Request the fix again.")
    return role_name, check_passrole_policy(plan.policy, account_id)


FIX = Fix(
    id=ID,
    title="Allow passing exactly this role",
    tier="IAM_CHANGE",
    changes_iam=True,
    first_stage="applying_policy",
    plan=plan,
    apply=apply,
    revert_with="REVERT_GRANT",
)
