"""Normalising the denied action: decoded messages sometimes drop the service prefix."""

from __future__ import annotations

import re

from bot.arns import service_of
from bot.models import MatchedStatement

# STS actions are checked against IAM role ARNs, so the resource's service would be wrong.
_STS_ACTIONS = frozenset(
    {
        "AssumeRole",
        "AssumeRoleWithSAML",
        "AssumeRoleWithWebIdentity",
        "TagSession",
        "SetSourceIdentity",
    }
)
_PREFIXED = re.compile(r"^([A-Za-z0-9-]+):(\S+)$")
_BARE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def normalise_action(
    raw: str | None,
    resource: str | None = None,
    context: dict[str, list[str]] | None = None,
    statements: list[MatchedStatement] | None = None,
) -> str | None:
    """``"RunInstances"`` -> ``"ec2:RunInstances"``; None when the service cannot be told.

    The service comes from a matched statement naming the same action, else the resource ARN,
    else the ``aws:Service`` context key (which names the calling service, so it comes last).
    """
    if not raw:
        return None
    raw = raw.strip()
    prefixed = _PREFIXED.match(raw)
    if prefixed:
        return f"{prefixed.group(1).lower()}:{prefixed.group(2)}"
    if not _BARE.match(raw):
        return None
    service = _service_from_statements(raw, statements or [])
    service = service or ("sts" if raw in _STS_ACTIONS else service_of(resource))
    service = service or _service_from_context(context or {})
    return f"{service}:{raw}" if service else None


def _service_from_statements(raw: str, statements: list[MatchedStatement]) -> str | None:
    for statement in statements:
        for action in statement.actions:
            prefix, _, name = action.partition(":")
            if name.lower() == raw.lower() and prefix:
                return prefix.lower()
    return None


def _service_from_context(context: dict[str, list[str]]) -> str | None:
    for value in context.get("aws:Service", []):
        prefix = value.split(".", 1)[0].lower()
        if re.fullmatch(r"[a-z0-9-]+", prefix):
            return prefix
    return None


def service_of_action(action: str | None) -> str | None:
    """``"ec2:RunInstances"`` -> ``"ec2"``."""
    if not action or ":" not in action:
        return None
    return action.split(":", 1)[0]


def name_of_action(action: str | None) -> str | None:
    """``"ec2:RunInstances"`` -> ``"RunInstances"``."""
    if not action or ":" not in action:
        return None
    return action.split(":", 1)[1]
