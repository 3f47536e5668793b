"""The plain-text sentence of newer errors: "User: X is not authorized to perform: A on ...".

Forms: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""

from __future__ import annotations

import re

from bot.models import PolicyType, SentenceDenial

_POLICY_TYPES: dict[str, PolicyType] = {
    "identity-based policy": "identity",
    "service control policy": "scp",
    "resource control policy": "rcp",
    "permissions boundary": "permissions_boundary",
    "session policy": "session",
    "resource-based policy": "resource",
    "vpc endpoint policy": "vpc_endpoint",
}
_TYPE = "|".join(name.replace(" ", r"\s++") for name in _POLICY_TYPES)
_SENTENCE = re.compile(
    r"(?i)\bUser:\s*+(?P<principal>\S++)\s++is\s++not\s++authorized\s++to\s++perform:?+"
    r"\s++(?P<action>\S++)(?:\s++on\s++resource:?+\s++(?P<resource>\S++))?"
    rf"(?:\s++because\s++no\s++(?P<implicit>{_TYPE})(?:\s++policy)?+\s++allows"
    rf"|\s++(?P<deny>with|due\s++to)\s++an\s++explicit\s++deny"
    rf"(?:\s++in\s++(?:an?|the)\s++(?P<explicit>{_TYPE})(?::\s*+(?P<policy>arn:\S++))?+)?+)?+"
)
_ACTION = re.compile(r"[A-Za-z0-9-]++:[A-Za-z0-9*]++")
_TRAILING = "\"'.,;:)]}"


def find_sentence(text: str) -> SentenceDenial | None:
    """Return what the first "User: ... is not authorized to perform: ..." sentence says.

    Values that are not what they claim (``User:arntest``, ``on resource: ARN*``) are left ``None``.
    """
    match = _SENTENCE.search(text)
    if match is None:
        return None
    action = _clean(match["action"])
    kind = match["implicit"] or match["explicit"]
    explicit = _explicit_deny(match)
    return SentenceDenial(
        principal_arn=_arn_or_none(match["principal"]),
        action=action if _ACTION.fullmatch(action) else None,
        resource=_arn_or_none(match["resource"]),
        explicit_deny=explicit,
        policy_type=_POLICY_TYPES[" ".join(kind.lower().split())] if kind else None,
        policy_arn=_arn_or_none(match["policy"]),
    )


def _explicit_deny(match: re.Match[str]) -> bool | None:
    if match["implicit"]:
        return False
    return True if match["deny"] else None


def _clean(token: str) -> str:
    return token.strip(_TRAILING)


def _arn_or_none(token: str | None) -> str | None:
    value = _clean(token or "")
    return value if value.startswith("arn:") and len(value) > len("arn:") else None
