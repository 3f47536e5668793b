"""The diagnosis engine: facts -> rules -> findings and remedies, all pure.

It takes plain data (the parsed input, the STS-decoded message, the Backup job) and imports
neither Slack nor boto3.
"""

from __future__ import annotations

from typing import Any

from bot.diagnosis.context import RuleContext
from bot.diagnosis.contract import to_contract_json
from bot.diagnosis.engine import assemble, run_rules
from bot.diagnosis.facts import build_denial
from bot.models import AuthorizationLookup, Diagnosis, Job, ParsedInput, TrailLookup

__all__ = ["build_denial", "diagnose", "to_contract_json"]


def diagnose(
    parsed: ParsedInput,
    decoded: dict[str, Any] | None = None,
    job: Job | None = None,
    account_name: str | None = None,
    authorization: AuthorizationLookup | None = None,
    cloudtrail: TrailLookup | None = None,
    role_arn: str | None = None,
) -> Diagnosis:
    """Explain one denial: its facts, findings by severity, and remedies (no IAM change first).

    ``decoded`` is the STS-decoded message; when None, the decoded message the user pasted
    (``parsed.decoded``) is used. ``authorization`` is what IAM Access Troubleshooter said about
    the text's authorization ID (its evaluation wins over every other source); ``cloudtrail``
    where a cut encoded message was looked for (``decoded`` is then that whole message's).
    ``role_arn`` is the denied session's role exactly as IAM has it (path included), when read.
    Never raises on odd message shapes: unknown facts stay None.
    """
    message = decoded if decoded is not None else parsed.decoded
    message = message if isinstance(message, dict) else None
    details = authorization.details if authorization else None
    denial = build_denial(
        message,
        parsed.sentence,
        job,
        parsed.account_id,
        parsed.region,
        authorization=details,
        role_arn=role_arn,
    )
    ctx = RuleContext(
        parsed=parsed,
        denial=denial,
        job=job,
        status_text=_status_text(parsed, job),
        authorization=authorization,
        cloudtrail=cloudtrail,
    )
    findings, remedies = assemble(run_rules(ctx))
    return Diagnosis(
        input=parsed,
        denial=denial,
        job=job,
        findings=findings,
        remedies=remedies,
        decoded_message=message,
        account_name=account_name,
        authorization=authorization,
        cloudtrail=cloudtrail,
    )


def _status_text(parsed: ParsedInput, job: Job | None) -> str:
    parts = [parsed.status_text, job.status_message if job else None]
    return "\n".join(part for part in parts if part)
