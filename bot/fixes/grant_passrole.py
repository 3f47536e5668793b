"""GRANT_PASSROLE: let the restore role pass the instance's role, then re-run the restore.

The grant is one inline policy with a fixed, request-derived name, so putting it twice leaves one
policy and a revert knows exactly what to delete.
"""

from __future__ import annotations

from typing import Any, Final

from bot.aws.iam import inline_policies
from bot.errors import FixRefused
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.inline_grant import put_and_rerun
from bot.fixes.policies import check_passrole_policy, parse_role_arn, simulate_grant
from bot.fixes.restore import restore_params
from bot.models import Diagnosis, FixPlan

ID = "GRANT_PASSROLE"
#: every inline policy the bot adds starts with this; a revert deletes nothing else
POLICY_PREFIX: Final = "backup-doctor-passrole-"


def policy_name_for(request_id: str) -> str:
    """The inline policy name of a request's grant (fixed: the same request, the same name)."""
    return f"{POLICY_PREFIX}{request_id[:12]}"


def plan(inputs: PlanInputs) -> FixPlan:
    """The grant (policy, role, current policies, simulation) and the restore re-run, if any."""
    remedy, diagnosis = inputs.remedy, inputs.diagnosis
    if remedy is None or not remedy.attach_to:
        raise FixRefused("The remedy names no role to grant to.", "Run the diagnosis again.")
    account_id, role_name = parse_role_arn(remedy.attach_to)
    policy = check_passrole_policy(remedy.policy, account_id)
    job = diagnosis.job
    params = restore_params(job, drop_instance_profile=False) if _is_restore(diagnosis) else None
    if job is not None and job.account_id != account_id:
        raise FixRefused(
            f"The role {remedy.attach_to} is not in the job's account {job.account_id}.",
            "Run the diagnosis again.",
        )
    before, after = (
        simulate_grant(inputs.iam, remedy.attach_to, policy) if inputs.simulate else (None, None)
    )
    name = policy_name_for(inputs.request_id)
    current = inline_policies(inputs.iam, role_name)
    rerun = " and re-run the restore with the same settings" if params else ""
    return FixPlan(
        fix=ID,
        account_id=account_id,
        region=_region(diagnosis),
        summary=f"Add the inline policy {name} to {role_name}{rerun}.",
        role_arn=remedy.attach_to,
        policy_name=name,
        policy=policy,
        current_inline_policies=current,
        inline_policies_after={**current, name: policy},
        restore_params=params,
        simulation_before=before,
        simulation_after=after,
    )


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


def _is_restore(diagnosis: Diagnosis) -> bool:
    return diagnosis.job is not None and diagnosis.job.job_type == "restore"


def _region(diagnosis: Diagnosis) -> str:
    region = (
        (diagnosis.job.region if diagnosis.job else None)
        or (diagnosis.denial.region if diagnosis.denial else None)
        or diagnosis.input.region
    )
    if not region:
        raise FixRefused("The region is unknown.", "Ask again with region=<region>.")
    return region


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
