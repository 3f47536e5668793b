"""Cards the bot posts on its own when an AWS Backup job fails (no one asked).

The card of a failure is the diagnosis card with a line saying so; when more jobs fail the same
way, the card names how many and which, and each job's details go in its thread.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks import slack_limits as limits
from bot.blocks.diagnosis import diagnosis_card
from bot.blocks.elements import context, section
from bot.blocks.links import job_console_url
from bot.blocks.mrkdwn import bold, code, literal
from bot.errors import BackupDoctorError
from bot.models import Diagnosis, Job

#: job ids listed on a burst card; the rest are counted (all of them are in the thread)
LISTED_JOBS = 10


def failure_card(
    diagnosis: Diagnosis,
    *,
    request_id: str | None,
    account_label: str | None,
    jobs: list[str],
    failed_at: str | None = None,
) -> list[Block]:
    """The diagnosis card of a job that failed, for the account's channel (``jobs``: all of the
    jobs that failed the same way, this one first)."""
    card = diagnosis_card(diagnosis, request_id=request_id, account_label=account_label)
    job = diagnosis.job
    kind = job.job_type if job else "backup"
    if len(jobs) > 1:
        listed = ", ".join(code(j, 80) for j in jobs[:LISTED_JOBS])
        more = f" and {len(jobs) - LISTED_JOBS} more" if len(jobs) > LISTED_JOBS else ""
        line = (
            f":rotating_light: {bold(f'{len(jobs)} {kind} jobs', 100)} failed the same way: "
            f"{listed}{more}. Each one's details are in the thread."
        )
    else:
        line = f":rotating_light: An AWS Backup {literal(kind, 20)} job failed; nobody asked yet."
    note = context(
        "Posted when AWS Backup reported the failure"
        + (f" ({literal(failed_at, 40)})" if failed_at else "")
        + ". Fixes asked for here need an approver, as always."
    )
    return [section(line), *card[:1], note, *card[1:]][: limits.MESSAGE_BLOCKS]


def burst_job_reply(
    job: Job | None, job_id: str, region: str, failed_at: str | None
) -> list[Block]:
    """One more job that failed the same way, for the burst card's thread."""
    kind = job.job_type if job else "backup"
    facts = [f"{bold(f'{kind.title()} job', 40)} {code(job_id, 80)} failed the same way"]
    if job and job.resource_arn:
        facts.append(f"Resource: {code(job.resource_arn, 600)}")
    if job and job.recovery_point_arn:
        facts.append(f"Recovery point: {code(job.recovery_point_arn, 600)}")
    facts.append(
        f"Region: {code(region, 40)}" + (f" · {literal(failed_at, 40)}" if failed_at else "")
    )
    blocks: list[Block] = [section("\n".join(facts))]
    url = job_console_url(job) if job else None
    if url:
        blocks.append(context(f"<{url}|Open the job in the AWS Backup console>"))
    return blocks


def unreadable_failure_card(
    job_type: str, job_id: str, account_label: str, region: str, error: BackupDoctorError
) -> list[Block]:
    """A job failed but the bot could not read it: say so, and what to fix for next time."""
    return [
        section(
            f":rotating_light: AWS Backup {literal(job_type, 20)} job {code(job_id, 80)} failed "
            f"in {literal(account_label, 200)} ({code(region, 40)}), and I could not read it: "
            f"{literal(error.user_message, 600)}"
        ),
        section(literal(error.next_step, 800) or "Look at the job in the AWS Backup console."),
        context(
            "Paste the job ID into /decode-backup-error once this is fixed. "
            f"Error code: {literal(error.code, 60)}"
        ),
    ]
