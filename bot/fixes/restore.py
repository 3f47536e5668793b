"""Re-running a restore: its parameters from the original job, and an idempotent start.

StartRestoreJob is made idempotent with ``IdempotencyToken`` (AWS keeps it about an hour): the
token is derived from the request id, the fix and the run number, so a worker that retries the same
run gets the same restore job back instead of a second restore, while a deliberate retry after a
failure (a new run) starts a new one.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from bot.aws.backup import start_restore_job
from bot.errors import FixRefused
from bot.fixes.fix import FixRun
from bot.models import FixPlan, Job

#: the EC2 restore metadata key that carries the instance profile (restoring "with no IAM role"
#: leaves it out); one constant so it can be checked against real GetRestoreJobMetadata output
INSTANCE_PROFILE_KEY: Final = "IamInstanceProfileName"
#: namespace of the idempotency tokens (uuid5): fixed forever, or retries would start new restores
TOKEN_NAMESPACE: Final = uuid.UUID("6f0b5a36-1a53-4c52-9d0e-2f4b3c1d8e71")

_RERUN = "Run the diagnosis on the restore job id so the bot can read the original job."


def idempotency_token(request_id: str, fix: str, run: int = 0) -> str:
    """The StartRestoreJob token for one run of one request's fix (a UUID string)."""
    return str(uuid.uuid5(TOKEN_NAMESPACE, f"{request_id}:{fix}:{run}"))


def restore_job(job: Job | None) -> Job:
    """``job`` if it is a restore job (the only kind the bot re-runs); else raises."""
    if job is None or job.job_type != "restore":
        raise FixRefused("Only a restore job can be re-run.", _RERUN)
    return job


def restore_params(job: Job | None, drop_instance_profile: bool) -> dict[str, Any]:
    """StartRestoreJob parameters replaying ``job``, optionally without the instance profile."""
    job = restore_job(job)
    if not (job.recovery_point_arn and job.iam_role_arn and job.restore_metadata):
        raise FixRefused(
            "The original restore job's recovery point, role or metadata is unknown.", _RERUN
        )
    metadata = dict(job.restore_metadata)
    if drop_instance_profile and metadata.pop(INSTANCE_PROFILE_KEY, None) is None:
        raise FixRefused(
            "The original restore did not pass an instance profile, so re-running it without "
            "one would change nothing.",
            "Look at the other remedies for this denial.",
        )
    params: dict[str, Any] = {
        "RecoveryPointArn": job.recovery_point_arn,
        "IamRoleArn": job.iam_role_arn,
        "Metadata": metadata,
    }
    if job.resource_type:
        params["ResourceType"] = job.resource_type
    return params


def more_restore_params(
    params: dict[str, Any], jobs: tuple[Job, ...]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The re-runs of ``jobs`` that replay them as ``params`` replays the first job (with or
    without the instance profile); and the ids of the jobs that cannot be replayed so."""
    drop = INSTANCE_PROFILE_KEY not in (params.get("Metadata") or {})
    replays: list[dict[str, Any]] = []
    skipped: list[str] = []
    for job in jobs:
        try:
            replays.append(restore_params(job, drop_instance_profile=drop))
        except FixRefused:
            skipped.append(job.job_id)
    return replays, skipped


def start_more_restores(plan: FixPlan, run: FixRun) -> list[str]:
    """Start (idempotently, one token each) the re-runs of the other jobs of a burst."""
    backup = run.session.client("backup", region_name=plan.region)
    return [
        _start(backup, params, idempotency_token(run.request_id, f"{plan.fix}#{n}", run.run), run)
        for n, params in enumerate(plan.more_restore_params, start=1)
    ]


def start_restore(plan: FixPlan, run: FixRun) -> tuple[str, str]:
    """Start (or, with the same token, find again) the plan's restore; (job id, token)."""
    params = plan.restore_params or {}
    if "RecoveryPointArn" not in params or "Metadata" not in params:
        raise FixRefused("The fix plan has no restore to run.", _RERUN)
    token = idempotency_token(run.request_id, plan.fix, run.run)
    backup = run.session.client("backup", region_name=plan.region)
    return _start(backup, params, token, run), token


def _start(backup: Any, params: dict[str, Any], token: str, run: FixRun) -> str:
    """StartRestoreJob with a plan's parameters and this token; the job id."""
    return start_restore_job(
        backup,
        params["RecoveryPointArn"],
        params.get("IamRoleArn"),
        params["Metadata"],
        params.get("ResourceType"),
        token,
        account=run.account,
    )
