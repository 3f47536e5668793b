"""Plain-text rendering of a diagnosis for the CLI (no colours: the CLI adds them)."""

from __future__ import annotations

import json

from bot.diagnosis.conditions import describe_conditions
from bot.models import POLICY_TYPE_NAMES, Denial, Diagnosis, Job, Remedy

_INDENT = "    "


def render_text(diagnosis: Diagnosis) -> str:
    """Headline, why, evidence and remedies (policies as indented JSON), one section each."""
    sections = [
        [headline(diagnosis)],
        _why(diagnosis),
        _evidence(diagnosis),
        _remedies(diagnosis.remedies),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def headline(diagnosis: Diagnosis) -> str:
    """``<role> was denied <action> on <resource>`` (the role, not the session)."""
    denial = diagnosis.denial
    if denial is None or denial.action is None:
        first = diagnosis.findings[0].title if diagnosis.findings else "Nothing to explain"
        return first
    who = denial.role_arn or denial.principal_arn or "An unknown principal"
    return f"{who} was denied {denial.action} on {denial.resource or 'an unknown resource'}"


def _why(diagnosis: Diagnosis) -> list[str]:
    lines = ["Why:"] if diagnosis.findings else []
    for finding in diagnosis.findings:
        lines.append(f"- [{finding.severity}] {finding.code}: {finding.title}")
        lines.append(f"  {finding.explanation}")
    return lines


def _evidence(diagnosis: Diagnosis) -> list[str]:
    rows = _denial_rows(diagnosis.denial, diagnosis.account_name) + _job_rows(diagnosis.job)
    return ["Evidence:", *(f"  {label}: {value}" for label, value in rows)] if rows else []


def _denial_rows(denial: Denial | None, account_name: str | None) -> list[tuple[str, str]]:
    if denial is None:
        return [("account", account_name)] if account_name else []
    account = denial.account_id or "unknown"
    rows = [
        ("account", f"{account} ({account_name})" if account_name else account),
        ("region", denial.region or "unknown"),
        ("principal", denial.principal_arn or "unknown"),
        ("deny", _deny_kind(denial)),
    ]
    for statement in denial.matched_statements:
        conditions = describe_conditions(statement.conditions)
        rows.append(
            ("matched statement", f"{statement.sid or '(no Sid)'}; conditions: {conditions}")
        )
    rows.append(("sources", ", ".join(denial.sources) or "none"))
    return rows


def _deny_kind(denial: Denial) -> str:
    kind = {True: "explicit", False: "implicit", None: "unknown"}[denial.explicit_deny]
    if denial.policy_type:
        return f"{kind} ({POLICY_TYPE_NAMES[denial.policy_type]})"
    return kind


def _job_rows(job: Job | None) -> list[tuple[str, str]]:
    if job is None:
        return []
    rows = [("job", f"{job.job_id} ({job.job_type}, {job.status or 'status unknown'})")]
    if job.iam_role_arn:
        rows.append(("job role", job.iam_role_arn))
    if job.status_message:
        rows.append(("job status", job.status_message))
    return rows


def _remedies(remedies: list[Remedy]) -> list[str]:
    lines = ["Remedies:"] if remedies else []
    for number, remedy in enumerate(remedies, 1):
        iam = "changes IAM" if remedy.changes_iam else "no IAM change"
        how = "the bot can apply it after approval" if remedy.automatic else "manual"
        lines.append(f"{number}. {remedy.title} ({iam}; {how})")
        lines.append(f"{_INDENT}{remedy.description}")
        if remedy.attach_to:
            lines.append(f"{_INDENT}Attach to: {remedy.attach_to}")
        if remedy.policy:
            lines.append(f"{_INDENT}Policy:")
            text = json.dumps(remedy.policy, indent=2, sort_keys=False)
            lines += [f"{_INDENT}{_INDENT}{line}" for line in text.splitlines()]
    return lines
