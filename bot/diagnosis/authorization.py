"""The facts of a denial as IAM Access Troubleshooter evaluated it (GetRequestAuthorizationDetails).

AWS's answer lists every (action, resource) pair it evaluated for the request, each with its
effect, the policies and Sids that matched, and the checks by policy type (SCP, boundary,
session, ...) with their own effect. The denied evaluation is the one to explain: an explicit
deny wins over an implicit one. The deciding policy type is the check that denied it.
"""

from __future__ import annotations

from typing import Any, Final

from bot import arns
from bot.diagnosis.actions import normalise_action
from bot.models import MatchedStatement, PolicyType

#: AWS's check types -> the bot's policy types
CHECK_TYPES: Final[dict[str, PolicyType]] = {
    "SERVICE_CONTROL_POLICY": "scp",
    "RESOURCE_CONTROL_POLICY": "rcp",
    "VPC_ENDPOINT": "vpc_endpoint",
    "RESOURCE": "resource",
    "PRINCIPAL": "identity",
    "PERMISSIONS_BOUNDARY": "permissions_boundary",
    "SESSION": "session",
}
#: AWS's policy types (the ``policies`` list) -> the bot's
POLICY_TYPES: Final[dict[str, PolicyType]] = {
    "IDENTITY_BASED_POLICY": "identity",
    "RESOURCE_BASED_POLICY": "resource",
    "PERMISSIONS_BOUNDARY": "permissions_boundary",
    "SESSION_POLICY": "session",
    "SERVICE_CONTROL_POLICY": "scp",
    "RESOURCE_CONTROL_POLICY": "rcp",
    "VPC_ENDPOINT_POLICY": "vpc_endpoint",
}
_PRINCIPAL_KEYS = ("aws:PrincipalArn", "aws:principalarn", "aws:userid")
_DENIED = ("EXPLICIT_DENY", "IMPLICIT_DENY")


def denied_evaluations(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The evaluations that denied, explicit denies first (AWS's order kept within each)."""
    evaluations = [e for e in _list(details.get("evaluations")) if isinstance(e, dict)]
    denied = [e for e in evaluations if e.get("evaluatedEffect") in _DENIED]
    return sorted(denied, key=lambda e: _DENIED.index(e["evaluatedEffect"]))


def authorization_facts(details: dict[str, Any] | None) -> dict[str, Any]:
    """``principal_arn``, ``action``, ``resource``, ``explicit_deny``, ``policy_type``,
    ``matched_statements`` and ``context`` from the denied evaluation (None where not told)."""
    if not details:
        return {}
    denied = denied_evaluations(details)
    evaluation = denied[0] if denied else {}
    effect = evaluation.get("evaluatedEffect")
    resource = _text(evaluation.get("resource"))
    resource = resource if resource and (resource == "*" or resource.startswith("arn:")) else None
    context = _context(details.get("requestContext")) | _context(evaluation.get("context"))
    statements = _statements(evaluation, _policy_types(details), effect == "EXPLICIT_DENY")
    principal = _principal(context)
    return {
        "principal_arn": principal,
        "role_arn": _attached_role(details, principal),
        "action": normalise_action(_text(evaluation.get("action")), resource, context, statements),
        "resource": resource,
        "explicit_deny": {"EXPLICIT_DENY": True, "IMPLICIT_DENY": False}.get(str(effect)),
        "policy_type": _deciding_type(evaluation, statements),
        "matched_statements": statements or None,
        "context": context or None,
    }


def _attached_role(details: dict[str, Any], principal: str | None) -> str | None:
    """The session's role with its path: the role ARN a policy of the answer is attached to.

    A session ARN drops the role's path (``service-role/``); ``policies[].attachedTo`` keeps it.
    """
    name = arns.role_name(arns.role_from_session(principal))
    if name is None:
        return None
    for policy in _list(details.get("policies")):
        for attached in _list(policy.get("attachedTo") if isinstance(policy, dict) else None):
            arn = _text(attached.get("arn")) if isinstance(attached, dict) else None
            same_account = arns.account_of(arn) == arns.account_of(principal)
            if arns.is_role_arn(arn) and arns.role_name(arn) == name and same_account:
                return arn
    return None


def _policy_types(details: dict[str, Any]) -> dict[str, PolicyType]:
    types: dict[str, PolicyType] = {}
    for policy in _list(details.get("policies")):
        if isinstance(policy, dict) and isinstance(policy.get("uri"), str):
            kind = POLICY_TYPES.get(str(policy.get("type")))
            if kind:
                types[policy["uri"]] = kind
    return types


def _statements(
    evaluation: dict[str, Any], types: dict[str, PolicyType], explicit: bool
) -> list[MatchedStatement]:
    """The matched statements that decided: the Deny ones of an explicit deny, else none.

    (For an implicit deny, AWS lists the Allow statements that matched elsewhere; they explain
    nothing about why the action was denied.)
    """
    if not explicit:
        return []
    found: list[MatchedStatement] = []
    for policy in _list(evaluation.get("matchedPolicies")):
        if not isinstance(policy, dict):
            continue
        uri = _text(policy.get("uri"))
        for statement in _list(policy.get("matchedStatements")):
            if isinstance(statement, dict) and statement.get("evaluatedEffect") == "DENY":
                found.append(
                    MatchedStatement(
                        sid=_text(statement.get("sid")),
                        effect="DENY",
                        policy=uri,
                        policy_type=types.get(uri or ""),
                    )
                )
    return found


def _deciding_type(
    evaluation: dict[str, Any], statements: list[MatchedStatement]
) -> PolicyType | None:
    """The policy type of the check that gave the evaluation's effect (explicit deny first)."""
    effect = evaluation.get("evaluatedEffect")
    for check in _list(evaluation.get("checks")):
        if isinstance(check, dict) and check.get("evaluatedEffect") == effect:
            kind = CHECK_TYPES.get(str(check.get("checkType")))
            if kind:
                return kind
    return next((s.policy_type for s in statements if s.policy_type), None)


def _context(value: Any) -> dict[str, list[str]]:
    """AWS's context map (document values: a string, a list, a number) as key -> strings."""
    if not isinstance(value, dict):
        return {}
    context: dict[str, list[str]] = {}
    for key, raw in value.items():
        values = raw if isinstance(raw, list) else [raw]
        texts = [_scalar(v) for v in values]
        context[str(key)] = [t for t in texts if t is not None]
    return {key: values for key, values in context.items() if values}


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, dict) and "value" in value:
        return _scalar(value["value"])
    return None


def _principal(context: dict[str, list[str]]) -> str | None:
    lowered = {key.lower(): values for key, values in context.items()}
    for key in _PRINCIPAL_KEYS:
        values = lowered.get(key.lower(), [])
        arn = next((v for v in values if v.startswith("arn:")), None)
        if arn:
            return arn
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
