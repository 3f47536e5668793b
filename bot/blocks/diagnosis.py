"""The diagnosis card: who was denied what, why, the evidence, and what to do about it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ButtonElement, DividerBlock

from bot import slack_ids
from bot.arns import is_region, role_name
from bot.blocks import slack_limits as limits
from bot.blocks.elements import actions, button, context, link_button, section
from bot.blocks.evidence import evidence_blocks
from bot.blocks.links import (
    authorization_console_url,
    job_console_url,
    role_console_url,
    trail_event_console_url,
    trail_search_console_url,
)
from bot.blocks.mrkdwn import bold, code, literal, mention
from bot.blocks.remedies import ordered, remedies_section, remedy_buttons
from bot.models import Diagnosis, Finding, severity_rank

#: findings explained in full; the rest are counted
SHOWN_FINDINGS = 3


def diagnosis_card(
    diagnosis: Diagnosis,
    *,
    request_id: str | None,
    account_label: str | None,
    requester: str | None = None,
) -> list[Block]:
    """The answer to one question, for the channel: headline, why, evidence, remedies, links.

    ``request_id`` is None when the request could not be saved (Redis down): the card then has
    no buttons that would act on it, and says so.
    """
    blocks: list[Block] = [section(headline(diagnosis))]
    blocks += _why(diagnosis)
    blocks += evidence_blocks(diagnosis, account_label)
    remedies = ordered(diagnosis.remedies)
    if remedies:
        blocks += [DividerBlock(), remedies_section(remedies)]
    asked = f" · asked by {mention(requester)}" if requester else ""
    if request_id is None:
        links = _link_buttons(diagnosis)
        if links:
            blocks.append(actions(links, slack_ids.BLOCK_REMEDIES))
        blocks.append(context(f"Fix buttons are off: I could not save this request.{asked}"))
        return blocks[: limits.MESSAGE_BLOCKS]
    buttons = remedy_buttons(remedies, request_id=request_id, job=diagnosis.job)
    buttons += _other_buttons(diagnosis, request_id)
    if buttons:
        blocks.append(actions(buttons, slack_ids.block_id(slack_ids.BLOCK_REMEDIES, request_id)))
    blocks.append(context(f"Request {code(request_id, 140)}{asked}"))
    return blocks[: limits.MESSAGE_BLOCKS]


def headline(diagnosis: Diagnosis) -> str:
    """'*role* was denied `action` on `resource`', or what is known when there is no denial."""
    denial, job = diagnosis.denial, diagnosis.job
    if denial is None:
        if job is not None:
            return f"The AWS Backup {job.job_type} job {code(job.job_id, 200)} failed"
        top = _top_finding(diagnosis)
        return bold(top.title, 300) if top else "I couldn't work out who was denied what"
    what = f"denied {code(denial.action, 300)}" if denial.action else "denied access"
    where = f" on {code(denial.resource, 1500)}" if denial.resource else ""
    return f"{bold(_who(diagnosis), 300)} was {what}{where}"


def summary_text(diagnosis: Diagnosis) -> str:
    """The plain fallback text of the message (notifications): no policy or decoded detail."""
    denial = diagnosis.denial
    if denial is None:
        job = diagnosis.job
        text = f"AWS Backup {job.job_type} job {job.job_id} failed" if job else "Backup error"
        return literal(text, limits.FALLBACK_TEXT)
    text = f"{_who(diagnosis)} was denied {denial.action or 'access'}"
    text += f" on {denial.resource}" if denial.resource else ""
    return literal(" ".join(text.split()), limits.FALLBACK_TEXT)


def _who(diagnosis: Diagnosis) -> str:
    denial = diagnosis.denial
    if denial is None:
        return "Someone"
    return role_name(denial.role_arn) or denial.role_arn or denial.principal_arn or "Someone"


def _top_finding(diagnosis: Diagnosis) -> Finding | None:
    findings = sorted(diagnosis.findings, key=lambda f: severity_rank(f.severity))
    return findings[0] if findings else None


def _why(diagnosis: Diagnosis) -> list[Block]:
    findings = sorted(diagnosis.findings, key=lambda f: severity_rank(f.severity))
    if not findings:
        status = diagnosis.job.status_message if diagnosis.job else None
        quote = f"\n>{literal(' '.join(status.split()), 1000)}" if status else ""
        return [section(f"I couldn't match this to a known cause.{quote}")]
    blocks: list[Block] = [section(_finding(f)) for f in findings[:SHOWN_FINDINGS]]
    hidden = len(findings) - SHOWN_FINDINGS
    if hidden > 0:
        blocks.append(context(f"… and {hidden} more findings"))
    return blocks


def _finding(finding: Finding) -> str:
    return f"{bold(finding.title, 300)}\n{literal(finding.explanation, 2600)}"


def _other_buttons(diagnosis: Diagnosis, request_id: str) -> list[ButtonElement]:
    found: list[ButtonElement] = []
    if diagnosis.decoded_message:
        value = slack_ids.encode_value(request_id, "")
        found.append(
            button("Show decoded message (only you)", slack_ids.ACTION_SHOW_DECODED, value)
        )
    return found + _link_buttons(diagnosis)


def _link_buttons(diagnosis: Diagnosis) -> list[ButtonElement]:
    found: list[ButtonElement] = []
    job_url = job_console_url(diagnosis.job) if diagnosis.job else None
    if job_url:
        found.append(link_button("Open job in AWS Backup", slack_ids.ACTION_OPEN_JOB, job_url))
    role_arn = diagnosis.denial.role_arn if diagnosis.denial else None
    role_url = role_console_url(role_arn)
    if role_url:
        found.append(link_button("Open role in IAM", slack_ids.ACTION_OPEN_ROLE, role_url))
    trail_url = _trail_url(diagnosis)
    if trail_url:
        label = (
            "Open the event in CloudTrail"
            if diagnosis.cloudtrail and diagnosis.cloudtrail.event_id
            else "Look it up in CloudTrail"
        )
        found.append(link_button(label, slack_ids.ACTION_OPEN_TRAIL, trail_url))
    authorization_url = _authorization_url(diagnosis)
    if authorization_url:
        found.append(
            link_button(
                "Open authorization details",
                slack_ids.ACTION_OPEN_AUTHORIZATION,
                authorization_url,
            )
        )
    return found


def _trail_url(diagnosis: Diagnosis) -> str | None:
    """The CloudTrail event the whole message came from, else a search for the refused call.

    The search is offered only while the message is still cut (nothing decoded it).
    """
    lookup, parsed = diagnosis.cloudtrail, diagnosis.input
    if lookup is not None and lookup.event_id and lookup.region:
        return trail_event_console_url(lookup.event_id, lookup.region)
    decoded = diagnosis.denial is not None and "decoded_message" in diagnosis.denial.sources
    if not parsed.truncated or decoded or not parsed.called_api:
        return None
    region = parsed.region if is_region(parsed.region) else None
    region = region or (diagnosis.job.region if diagnosis.job else None)
    region = region or (lookup.regions[0] if lookup and lookup.regions else None)
    return trail_search_console_url(parsed.called_api, region) if region else None


def _authorization_url(diagnosis: Diagnosis) -> str | None:
    parsed, lookup = diagnosis.input, diagnosis.authorization
    if parsed.authorization_id is None:
        return None
    region = (lookup.region if lookup else None) or parsed.authorization_region
    return authorization_console_url(parsed.authorization_id, region)
