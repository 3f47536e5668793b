"""What the worker posts in the thread while it applies a fix, and how it ended."""

from __future__ import annotations

from typing import Literal

from slack_sdk.models.blocks import Block, ButtonElement

from bot import slack_ids
from bot.arns import role_name
from bot.blocks.elements import actions, button, confirm, context, link_button, section
from bot.blocks.links import job_console_url
from bot.blocks.mrkdwn import code, literal
from bot.models import FixPlan, Job

Stage = Literal["applying_policy", "policy_applied", "starting_restore", "restore_running"]
Outcome = Literal["SUCCEEDED", "FAILED", "REVERTED"]


def progress_card(
    stage: Stage, *, request_id: str, job_id: str | None = None, percent: float | None = None
) -> list[Block]:
    """One line on where the fix is: applying the policy, restore started, restore at 40%."""
    return [section(progress_line(stage, job_id, percent)), _footer(request_id)]


def progress_line(stage: Stage, job_id: str | None, percent: float | None) -> str:
    """The text of one progress step."""
    if stage == "applying_policy":
        return ":gear: Applying the policy…"
    if stage == "policy_applied":
        return ":white_check_mark: Policy applied."
    if stage == "starting_restore" or job_id is None:
        return ":arrow_forward: Starting the restore…"
    if stage == "restore_running" and percent is not None:
        done = max(0, min(100, round(percent)))
        return f":hourglass_flowing_sand: Restore running: {done}%"
    return f":arrow_forward: Restore job {code(job_id, 140)} started"


def outcome_card(
    plan: FixPlan,
    outcome: Outcome,
    *,
    request_id: str,
    job: Job | None = None,
    reason: str | None = None,
    retryable: bool = False,
    revertible: bool = False,
) -> list[Block]:
    """How the fix ended, with Retry on a retryable failure and Revert on a finished change.

    ``revertible``: the fix has a catalogue revert, offered once it succeeded.
    """
    blocks: list[Block] = [section(outcome_line(plan, outcome, job, reason))]
    buttons = _outcome_buttons(plan, outcome, request_id, job, retryable, revertible)
    if buttons:
        blocks.append(actions(buttons, slack_ids.block_id(slack_ids.BLOCK_OUTCOME, request_id)))
    blocks.append(_footer(request_id))
    return blocks


def outcome_line(plan: FixPlan, outcome: Outcome, job: Job | None, reason: str | None) -> str:
    """'Restore completed: created …', 'Fix failed: …' or 'Reverted: removed …'."""
    if outcome == "FAILED":
        return f":x: Fix failed: {literal(reason or 'no reason given', 2000)}"
    if outcome == "REVERTED":
        return f":leftwards_arrow_with_hook: Reverted: removed {_grant(plan, 'from')}."
    if job is not None and job.created_resource_arn:
        return f":white_check_mark: Restore completed: created {code(job.created_resource_arn)}"
    if job is not None:
        return f":white_check_mark: Restore job {code(job.job_id, 140)} completed."
    done = f":white_check_mark: Done: added {_grant(plan, 'to')}."
    if needs_rerun(plan):
        done += (
            " The failed restore was not re-run: the bot does not know its job. Give its job ID"
            " (Re-run the restore), or restore again from the AWS Backup console with the same"
            " settings."
        )
    return done


def needs_rerun(plan: FixPlan) -> bool:
    """A grant made with no job known: the denied restore still has to be run again."""
    added = plan.policy_name is not None and plan.policy_name in (plan.inline_policies_after or {})
    return added and plan.restore_params is None


def _grant(plan: FixPlan, preposition: str) -> str:
    policy = code(plan.policy_name, 200) if plan.policy_name else "the policy"
    role = role_name(plan.role_arn)
    return f"{policy} {preposition} role {code(role, 100)}" if role else policy


def _outcome_buttons(
    plan: FixPlan,
    outcome: Outcome,
    request_id: str,
    job: Job | None,
    retryable: bool,
    revertible: bool,
) -> list[ButtonElement]:
    value = slack_ids.encode_value(request_id, plan.fix)
    found: list[ButtonElement] = []
    if outcome == "FAILED" and retryable:
        found.append(button("Retry", slack_ids.ACTION_RETRY, value, style="primary"))
    if outcome == "SUCCEEDED" and revertible and plan.policy_name:
        dialog = confirm(
            "Revert this fix?",
            f"Removes the inline policy {plan.policy_name} the bot added. Nothing else changes.",
            "Revert",
            "danger",
        )
        found.append(button("Revert", slack_ids.ACTION_REVERT, value, dialog=dialog))
    if outcome == "SUCCEEDED" and needs_rerun(plan):
        found.append(button("Re-run the restore", slack_ids.ACTION_RERUN_ASK, value))
    url = job_console_url(job) if job else None
    if url:
        found.append(link_button("Open job in AWS Backup", slack_ids.ACTION_OPEN_JOB, url))
    return found


def _footer(request_id: str) -> Block:
    return context(f"Request {code(request_id, 140)}")
