"""What the text could not tell because part of it was never read: a cut or left-out encoded
message, one decoded without AWS (``--offline``), a job ID not looked up. Each says exactly what
is missing and the quickest way to get it; the facts the text does state stay in the answer.
"""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details


def check(ctx: RuleContext) -> list[Hit]:
    """ENCODED_MESSAGE_CUT, MESSAGE_FROM_JOB, ENCODED_MESSAGE_NOT_DECODED, JOB_NOT_LOOKED_UP."""
    parsed = ctx.parsed
    decoded = ctx.denial is not None and "decoded_message" in ctx.denial.sources
    details = base_details(ctx) | {
        "called_api": parsed.called_api or "the call that failed",
        "where": _where(parsed.account_id, parsed.region),
        "length": str(len(parsed.encoded_message or "")),
    }
    hits: list[Hit] = []
    if parsed.truncated and not decoded:
        # with the job known, its own status message is the whole message: no need to ask
        skip = frozenset({"PASTE_JOB_ID"}) if ctx.job or parsed.job else frozenset()
        hits.append(Hit("ENCODED_MESSAGE_CUT", details, skip=skip))
    elif parsed.truncated and parsed.job is None and ctx.job is not None and not _from_trail(ctx):
        # a cut paste whose failed job was found: the job's status message was decoded instead
        hits.append(Hit("MESSAGE_FROM_JOB", details | {"job_id": ctx.job.job_id}))
    elif parsed.encoded_message and not decoded:
        hits.append(Hit("ENCODED_MESSAGE_NOT_DECODED", details))
    if parsed.job is not None and ctx.job is None:
        hits.append(Hit("JOB_NOT_LOOKED_UP", details | {"job_id": parsed.job.job_id}))
    return hits


def _from_trail(ctx: RuleContext) -> bool:
    return ctx.cloudtrail is not None and ctx.cloudtrail.status == "found"


def _where(account_id: str | None, region: str | None) -> str:
    account = f"account {account_id}" if account_id else "the account that made the call"
    return f"{account} ({region})" if region else account
