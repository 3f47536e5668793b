"""What the bot's grants share: put one named inline policy (idempotently), let IAM settle, then
re-run the restore the plan carries. Each grant module vets its own policy first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from bot.aws.iam import inline_policies, inline_policy, put_inline_policy
from bot.errors import FixRefused
from bot.fixes.fix import FixOutcome, FixRun, PlanInputs
from bot.fixes.policies import parse_role_arn, simulate_grant
from bot.fixes.restore import restore_params, start_restore
from bot.models import Diagnosis, FixPlan

#: vets a remedy's policy for the grant's account: the policy, or ``FixRefused``
Vet = Callable[[dict[str, Any] | None, str], dict[str, Any]]

#: seconds to let a new IAM policy propagate before the restore that needs it starts
IAM_SETTLE_SECONDS: Final = 10.0


def plan_grant(fix_id: str, inputs: PlanInputs, vet: Vet, name: str) -> FixPlan:
    """The grant of ``inputs.remedy`` (its policy vetted, the role's current policies, the
    simulation) as inline policy ``name``, and the restore re-run when the denial came from one."""
    remedy, diagnosis = inputs.remedy, inputs.diagnosis
    if remedy is None or not remedy.attach_to:
        raise FixRefused("The remedy names no role to grant to.", "Run the diagnosis again.")
    account_id, role_name = parse_role_arn(remedy.attach_to)
    policy = vet(remedy.policy, account_id)
    job = diagnosis.job
    is_restore = job is not None and job.job_type == "restore"
    params = restore_params(job, drop_instance_profile=False) if is_restore else None
    if job is not None and job.account_id != account_id:
        raise FixRefused(
            f"The role {remedy.attach_to} is not in the job's account {job.account_id}.",
            "Run the diagnosis again.",
        )
    before, after = (
        simulate_grant(inputs.iam, remedy.attach_to, policy) if inputs.simulate else (None, None)
    )
    current = inline_policies(inputs.iam, role_name)
    rerun = " and re-run the restore with the same settings" if params else ""
    return FixPlan(
        fix=fix_id,
        account_id=account_id,
        region=grant_region(diagnosis),
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


def grant_region(diagnosis: Diagnosis) -> str:
    """Where the denial happened: the job's Region, else the denial's, else the input's."""
    region = (
        (diagnosis.job.region if diagnosis.job else None)
        or (diagnosis.denial.region if diagnosis.denial else None)
        or diagnosis.input.region
    )
    if not region:
        raise FixRefused("The region is unknown.", "Ask again with region=<region>.")
    return region


def apply_grant(plan: FixPlan, run: FixRun, fix_id: str, name: str, vet: Vet) -> FixOutcome:
    """Re-vet the stored plan just before writing (right fix, right name, the role in the plan's
    account, a policy ``vet`` accepts), then put it and start the re-run."""
    if plan.fix != fix_id or plan.policy_name != name:
        raise FixRefused("This plan is not this request's grant.", "Request the fix again.")
    account_id, role_name = parse_role_arn(plan.role_arn or "")
    if account_id != plan.account_id:
        raise FixRefused("The plan's role is in another account.", "Request the fix again.")
    return _put_and_rerun(plan, run, role_name, name, vet(plan.policy, account_id))


def _put_and_rerun(
    plan: FixPlan, run: FixRun, role_name: str, name: str, policy: dict[str, Any]
) -> FixOutcome:
    """Put ``policy`` as ``name`` on the role unless it is there already, then start the re-run."""
    iam = run.session.client("iam")
    put = inline_policy(iam, role_name, name, account=run.account) != policy
    if put:
        put_inline_policy(iam, role_name, name, policy, account=run.account)
    summary = f"Added {name} to {role_name}" if put else "Already granted"
    if plan.restore_params is None:
        return FixOutcome(fix=plan.fix, summary=f"{summary}.", policy_put=put)
    if put:
        run.sleep(IAM_SETTLE_SECONDS)
    job_id, token = start_restore(plan, run)
    return FixOutcome(
        fix=plan.fix,
        summary=f"{summary}; restore job {job_id} started.",
        policy_put=put,
        restore_job_id=job_id,
        idempotency_token=token,
    )
