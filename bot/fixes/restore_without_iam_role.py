"""RESTORE_WITHOUT_IAM_ROLE: re-run the restore with no instance profile; no IAM change at all.

The instance comes back without its role; someone attaches the instance profile afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import boto3

from bot.fixes.errors import PermanentFixError
from bot.fixes.outcome import FixOutcome
from bot.fixes.restore import INSTANCE_PROFILE_KEY, restore_job, restore_params, start_restore
from bot.models import Diagnosis, FixPlan, Remedy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def plan(
    diagnosis: Diagnosis, remedy: Remedy, request_id: str, iam_client: IAMClient, simulate: bool
) -> FixPlan:
    """The original restore's parameters, minus the instance profile (no IAM reads needed)."""
    job = restore_job(diagnosis.job)
    params = restore_params(job, drop_instance_profile=True)
    return FixPlan(
        fix="RESTORE_WITHOUT_IAM_ROLE",
        account_id=job.account_id,
        region=job.region,
        summary=(
            f"Re-run restore job {job.job_id} with no instance profile; attach the instance "
            "profile to the new instance afterwards."
        ),
        restore_params=params,
    )


def apply(
    plan: FixPlan,
    request_id: str,
    session: boto3.Session,
    run: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> FixOutcome:
    """Start the re-run (idempotently: a retried run gets the same restore job back)."""
    metadata = (plan.restore_params or {}).get("Metadata") or {}
    if plan.fix != "RESTORE_WITHOUT_IAM_ROLE" or INSTANCE_PROFILE_KEY in metadata:
        raise PermanentFixError(
            "This plan is not a restore without an IAM role.", "Request the fix again."
        )
    backup = session.client("backup", region_name=plan.region)
    job_id, token = start_restore(backup, plan, request_id, run)
    return FixOutcome(
        fix=plan.fix,
        summary=f"Restore job {job_id} started with no instance profile.",
        restore_job_id=job_id,
        idempotency_token=token,
    )
