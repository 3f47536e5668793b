"""The CLI's ``--json`` contract: a stable shape other tools can rely on (unknown = null)."""

from __future__ import annotations

from typing import Any

from bot.diagnosis.conditions import describe_meanings
from bot.models import Denial, Diagnosis, Finding, MatchedStatement, Remedy


def to_contract_json(diagnosis: Diagnosis) -> dict[str, Any]:
    """``{"input", "denial", "findings", "remedies"}`` as documented for ``--json``."""
    return {
        "input": _input(diagnosis),
        "denial": _denial(diagnosis.denial) if diagnosis.denial else None,
        "findings": [_finding(finding) for finding in diagnosis.findings],
        "remedies": [_remedy(remedy) for remedy in diagnosis.remedies],
        "account_name": diagnosis.account_name,
        "authorization": _authorization(diagnosis),
        "cloudtrail": _cloudtrail(diagnosis),
    }


def _cloudtrail(diagnosis: Diagnosis) -> dict[str, Any] | None:
    """Where a cut encoded message was looked for in CloudTrail, and what was found."""
    lookup = diagnosis.cloudtrail
    if lookup is None:
        return None
    when = lookup.event_time
    return {
        "status": lookup.status,
        "called_api": lookup.called_api,
        "account_id": lookup.account_id,
        "regions": list(lookup.regions),
        "event_id": lookup.event_id,
        "event_time": when.isoformat().replace("+00:00", "Z") if when else None,
        "region": lookup.region,
        "decoded": lookup.decoded,
        "problem": lookup.problem,
    }


def _authorization(diagnosis: Diagnosis) -> dict[str, Any] | None:
    """The Access Troubleshooter lookup: its status (the details themselves stay private)."""
    lookup = diagnosis.authorization
    authorization_id = lookup.authorization_id if lookup else diagnosis.input.authorization_id
    if authorization_id is None:
        return None
    return {
        "authorization_id": authorization_id,
        "status": lookup.status if lookup else "not_read",
        "region": (lookup.region if lookup else None) or diagnosis.input.authorization_region,
    }


def _input(diagnosis: Diagnosis) -> dict[str, Any]:
    parsed = diagnosis.input
    job_id = parsed.job.job_id if parsed.job else None
    if job_id is None and diagnosis.job is not None:
        job_id = diagnosis.job.job_id
    return {
        # the contract's five kinds: a pasted Backup job status is an error text (its producer
        # says "backup-status")
        "kind": "error_text" if parsed.kind == "status_text" else parsed.kind,
        "producer": parsed.producer,
        "called_api": parsed.called_api,
        "error_code": parsed.error_code,
        "encoded_message": parsed.encoded_message,
        "truncated": parsed.truncated,
        "job_id": job_id,
        "account_id": parsed.account_id,
        "region": parsed.region,
        "authorization_id": parsed.authorization_id,
    }


def _denial(denial: Denial) -> dict[str, Any]:
    return {
        "principal_arn": denial.principal_arn,
        "role_arn": denial.role_arn,
        "account_id": denial.account_id,
        "region": denial.region,
        "action": denial.action,
        "resource": denial.resource,
        "explicit_deny": denial.explicit_deny,
        "policy_type": denial.policy_type,
        "matched_statements": [_statement(s) for s in denial.matched_statements],
        "sources": list(denial.sources),
        "redacted": list(denial.redacted),
    }


def _statement(statement: MatchedStatement) -> dict[str, Any]:
    return {
        "sid": statement.sid,
        "effect": statement.effect,
        "actions": list(statement.actions),
        "resources": list(statement.resources),
        "conditions": {key: list(values) for key, values in statement.conditions.items()},
        "likely_meaning": describe_meanings(statement.conditions) or None,
        "policy": statement.policy,
        "policy_type": statement.policy_type,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "title": finding.title,
        "explanation": finding.explanation,
        "severity": finding.severity,
    }


def _remedy(remedy: Remedy) -> dict[str, Any]:
    return {
        "id": remedy.id,
        "title": remedy.title,
        "description": remedy.description,
        "changes_iam": remedy.changes_iam,
        "automatic": remedy.automatic,
        "fix": remedy.fix,
        "attach_to": remedy.attach_to,
        "policy": remedy.policy,
        "policy_name": remedy.policy_name,
    }
