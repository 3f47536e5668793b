"""RESTORE_WITHOUT_IAM_ROLE: re-run the restore with no instance profile; no IAM change at all.

The instance comes back without its role; someone attaches the instance profile afterwards.
"""

from __future__ import annotations

from bot.errors import FixRefused
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.restore import INSTANCE_PROFILE_KEY, restore_job, restore_params, start_restore
from bot.models import FixPlan

ID = "RESTORE_WITHOUT_IAM_ROLE"


def plan(inputs: PlanInputs) -> FixPlan:
    """The original restore's parameters, minus the instance profile (no IAM reads needed)."""
    job = restore_job(inputs.diagnosis.job)
    params = restore_params(job, drop_instance_profile=True)
    return FixPlan(
        fix=ID,
        account_id=job.account_id,
        region=job.region,
        summary=(
            f"Re-run restore job {job.job_id} with no instance profile; attach the instance "
            "profile to the new instance afterwards."
        ),
        restore_params=params,
    )


def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Start the re-run (idempotently: a retried run gets the same restore job back)."""
    metadata = (plan.restore_params or {}).get("Metadata") or {}
    if plan.fix != ID or INSTANCE_PROFILE_KEY in metadata:
        raise FixRefused(
            "This plan is not a restore without an IAM role.", "Request the fix again."
        )
    job_id, token = start_restore(plan, run)
    return FixOutcome(
        fix=plan.fix,
        summary=f"Restore job {job_id} started with no instance profile.",
        restore_job_id=job_id,
        idempotency_token=token,
    )


FIX = Fix(
    id=ID,
    title="Restore again without the instance's IAM role",
    tier="RESTORE_RERUN",
    changes_iam=False,
    first_stage="starting_restore",
    plan=plan,
    apply=apply,
)
