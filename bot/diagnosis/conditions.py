"""What the condition keys of a matched deny statement most likely mean.

Decoded messages show a statement's condition keys and values but never its operator, so the
reading is the usual one for each key (a deny on ``aws:RequestTag/x`` is nearly always a ``Null``
check: the tag was missing). Texts say "likely" where the operator matters.
"""

from __future__ import annotations

from bot.models import MatchedStatement

_REQUEST_TAG = "aws:RequestTag/"
_PREFIX_MEANINGS = (
    (_REQUEST_TAG, "the request did not carry the tag {rest}"),
    ("aws:ResourceTag/", "the resource's tag {rest} is missing or has a value the policy forbids"),
    ("ec2:ResourceTag/", "the resource's tag {rest} is missing or has a value the policy forbids"),
    ("aws:PrincipalTag/", "the caller's tag {rest} is missing or has a value the policy forbids"),
)
_KEY_MEANINGS = {
    "aws:RequestedRegion": "the Region {values} is not allowed",
    "aws:PrincipalArn": "the caller is not one of the exempted principals",
    "aws:PrincipalOrgID": "the caller is outside the allowed organization",
    "aws:SourceVpce": "the request did not come through the allowed VPC endpoint",
    "aws:SourceVpc": "the request did not come from the allowed VPC",
    "aws:SourceIp": "the request came from an address outside the allowed range",
    "aws:SecureTransport": "the request did not use TLS",
    "aws:MultiFactorAuthPresent": "the session was not authenticated with MFA",
    "ec2:InstanceType": "the instance type is not allowed",
    "ec2:MetadataHttpTokens": "the instance does not require IMDSv2 tokens",
    "ec2:Encrypted": "the volume is not encrypted",
    "kms:ViaService": "the key was not used through the allowed service",
    "iam:PassedToService": "the role was passed to a service the policy does not allow",
}


def missing_request_tags(statements: list[MatchedStatement]) -> list[str]:
    """Tag keys a deny statement requires on the request (``aws:RequestTag/<key>`` conditions)."""
    tags: list[str] = []
    for statement in statements:
        if statement.effect not in (None, "DENY"):
            continue
        for key in statement.conditions:
            tag = key[len(_REQUEST_TAG) :] if key.startswith(_REQUEST_TAG) else ""
            if tag and tag not in tags:
                tags.append(tag)
    return tags


def condition_meaning(key: str, values: list[str]) -> str:
    """One plain sentence for one condition key of a deny statement."""
    for prefix, meaning in _PREFIX_MEANINGS:
        if key.startswith(prefix):
            return meaning.format(rest=key[len(prefix) :])
    template = _KEY_MEANINGS.get(key)
    if template:
        return template.format(values=", ".join(values) or "requested")
    return f"the request did not meet the policy's condition on {key}"


def describe_conditions(conditions: dict[str, list[str]]) -> str:
    """All condition keys of a statement as ``key=values`` text, or "none"."""
    if not conditions:
        return "none"
    return "; ".join(f"{key}={','.join(vals) or '?'}" for key, vals in conditions.items())


def describe_meanings(conditions: dict[str, list[str]]) -> str:
    """The likely meaning of every condition key, joined; empty when there are none."""
    return "; ".join(condition_meaning(key, vals) for key, vals in conditions.items())
