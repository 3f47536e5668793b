"""A copy job into another account that did not complete: list what such copies need."""

from __future__ import annotations

from bot.arns import account_of
from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details

SUCCESS_STATES = frozenset({"COMPLETED", "RUNNING", "CREATED", "PENDING"})


def check(ctx: RuleContext) -> list[Hit]:
    """CROSS_ACCOUNT_COPY_PREREQUISITES for an unsuccessful cross-account copy job."""
    job = ctx.job
    if job is None or job.job_type != "copy" or job.status in SUCCESS_STATES:
        return []
    destination = account_of(job.destination_vault_arn)
    if destination is None or destination == job.account_id:
        return []
    details = base_details(ctx) | {
        "source_account": job.account_id,
        "destination_account": destination,
    }
    return [Hit("CROSS_ACCOUNT_COPY_PREREQUISITES", details)]
