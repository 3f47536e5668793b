"""Facts of one denial, merged from Access Troubleshooter's details, the decoded message, the
plain-text sentence and the job.

Each fact comes from the most trustworthy input that has it; anything no input states is None.
"""

from __future__ import annotations

from typing import Any

from bot import arns
from bot.diagnosis import message_shape as dm
from bot.diagnosis.actions import normalise_action
from bot.diagnosis.authorization import authorization_facts
from bot.models import Denial, Job, MatchedStatement, PolicyType, SentenceDenial

#: the principal value AWS shows for statements of a permissions boundary
BOUNDARY_PRINCIPAL = "SCOPE_POLICY_ISSUER"
_REGION_KEYS = ("aws:Region", "ec2:Region", "aws:RequestedRegion")


def build_denial(
    decoded: dict[str, Any] | None,
    sentence: SentenceDenial | None = None,
    job: Job | None = None,
    account_id: str | None = None,
    region: str | None = None,
    authorization: dict[str, Any] | None = None,
    role_arn: str | None = None,
) -> Denial | None:
    """Merge every input into one ``Denial``; None when no input says anything.

    AWS's own evaluation (``authorization``: GetRequestAuthorizationDetails) wins over the
    decoded message, which wins over the sentence. The job's ``IamRoleArn`` wins over the role
    read from a session ARN (which loses role paths, and may name Backup's service-linked role
    instead of the restore role); ``role_arn`` is that role's exact ARN as IAM has it (the
    pipeline reads it when no job tells), and wins over the rebuilt one.
    """
    message = dm.unwrap(decoded)
    from_details = authorization_facts(authorization)
    from_message = _message_facts(message)
    from_sentence = _sentence_facts(sentence)
    if not any(v for part in (from_details, from_message, from_sentence) for v in part.values()):
        return None
    facts = {k: v for k, v in from_sentence.items() if v is not None}
    facts.update({k: v for k, v in from_message.items() if v is not None})
    if from_sentence.get("policy_type"):
        facts["policy_type"] = from_sentence["policy_type"]
    if facts.get("explicit_deny") is None and from_sentence.get("explicit_deny") is not None:
        facts["explicit_deny"] = from_sentence["explicit_deny"]
    facts.update({k: v for k, v in from_details.items() if v is not None})
    if role_arn is not None:
        facts["role_arn"] = role_arn
    sources = _sources(from_details, from_message, from_sentence) + (["job"] if job else [])
    return _complete(facts, job, account_id, region, sources)


def _message_facts(message: dict[str, Any]) -> dict[str, Any]:
    context = dm.context(message)
    statements = dm.statements(message)
    conditions = dm.conditions(context.get("conditions"))
    resource = _resource(dm.text(context.get("resource")))
    return {
        "principal_arn": dm.principal_arn(message),
        "action": normalise_action(
            dm.text(context.get("action")), resource, conditions, statements
        ),
        "resource": resource,
        "explicit_deny": _explicit_deny(message.get("explicitDeny"), statements),
        "policy_type": _policy_type(statements),
        "matched_statements": statements or None,
        "context": conditions or None,
    }


def _sentence_facts(sentence: SentenceDenial | None) -> dict[str, Any]:
    if sentence is None:
        return {}
    principal = sentence.principal_arn
    named = None
    if sentence.policy_arn and sentence.explicit_deny:
        # "... with an explicit deny in an identity-based policy: <ARN>": the deciding policy
        named = [
            MatchedStatement(
                effect="DENY", policy=sentence.policy_arn, policy_type=sentence.policy_type
            )
        ]
    return {
        "principal_arn": principal if principal and principal.startswith("arn:") else None,
        "action": normalise_action(sentence.action, sentence.resource),
        "resource": _resource(sentence.resource),
        "explicit_deny": sentence.explicit_deny,
        "policy_type": sentence.policy_type,
        "matched_statements": named,
    }


def _resource(value: str | None) -> str | None:
    return value if value and (value == "*" or value.startswith("arn:")) else None


def _explicit_deny(flag: Any, statements: list[MatchedStatement]) -> bool | None:
    if isinstance(flag, bool):
        return flag
    if any(statement.effect == "DENY" for statement in statements):
        return True
    return None


def _policy_type(statements: list[MatchedStatement]) -> PolicyType | None:
    if any(BOUNDARY_PRINCIPAL in statement.principals for statement in statements):
        return "permissions_boundary"
    return None


def _sources(
    from_details: dict[str, Any], from_message: dict[str, Any], from_sentence: dict[str, Any]
) -> list[str]:
    sources = []
    if any(from_details.values()):
        sources.append("authorization_details")
    if any(from_message.values()):
        sources.append("decoded_message")
    if any(value is not None for value in from_sentence.values()):
        sources.append("sentence")
    return sources


def _complete(
    facts: dict[str, Any],
    job: Job | None,
    account_id: str | None,
    region: str | None,
    sources: list[str],
) -> Denial:
    principal = facts.get("principal_arn")
    session_role = arns.role_from_session(principal)
    if principal and arns.is_role_arn(principal):
        session_role = principal
    job_role = job.iam_role_arn if job and arns.is_role_arn(job.iam_role_arn) else None
    read_whole = job_role or facts.get("role_arn")  # the job's, AWS's evaluation's, IAM's
    facts["role_arn"] = read_whole or session_role
    facts["role_exact"] = bool(read_whole) or bool(principal and principal == session_role)
    context = facts.get("context") or {}
    facts["account_id"] = _account(facts, job, account_id, context) or _masked_account(facts)
    facts["region"] = _region(facts, job, region, context)
    facts["sources"] = sources
    facts["redacted"] = arns.masked_fields(
        {key: facts.get(key) for key in ("principal_arn", "role_arn", "account_id", "resource")}
    )
    return Denial.model_validate(facts)


def _masked_account(facts: dict[str, Any]) -> str | None:
    """The account as the poster masked it (kept verbatim and flagged, never sent to AWS)."""
    for key in ("principal_arn", "role_arn", "resource"):
        arn = arns.parse_arn(facts.get(key))
        if arn is not None and arns.is_masked(arn.account):
            return arn.account
    return None


def _account(
    facts: dict[str, Any], job: Job | None, hint: str | None, context: dict[str, list[str]]
) -> str | None:
    candidates = [
        job.account_id if job else None,
        arns.account_of(facts.get("principal_arn")),
        arns.account_of(facts.get("role_arn")),
        hint,
        arns.account_of(facts.get("resource")),
        *context.get("aws:Account", []),
    ]
    return next((value for value in candidates if arns.is_account_id(value)), None)


def _region(
    facts: dict[str, Any], job: Job | None, hint: str | None, context: dict[str, list[str]]
) -> str | None:
    candidates: list[str | None] = [v for key in _REGION_KEYS for v in context.get(key, [])]
    candidates += [arns.region_of(facts.get("resource")), job.region if job else None, hint]
    return next((value for value in candidates if arns.is_region(value)), None)
