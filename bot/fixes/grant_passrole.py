"""GRANT_PASSROLE: let the restore role pass the instance's role, then re-run the restore.

The grant is one inline policy with a fixed, request-derived name, so putting it twice leaves one
policy and a revert knows exactly what to delete.
"""

from __future__ import annotations

from typing import Final

from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.inline_grant import apply_grant, plan_grant
from bot.fixes.policies import check_passrole_policy
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
    name = policy_name_for(run.request_id)
    return apply_grant(plan, run, ID, name, check_passrole_policy)


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
