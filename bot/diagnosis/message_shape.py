"""Tolerant readers for AWS's decoded-message shape (``{"items": [...]}`` wrappers everywhere).

Real messages arrive abridged or partial, so every reader accepts any JSON value and returns
empty results for shapes it does not recognise instead of raising.
"""

from __future__ import annotations

import json
from typing import Any

from bot.models import MatchedStatement


def unwrap(decoded: Any) -> dict[str, Any]:
    """The message itself, also when given as CLI output ``{"DecodedMessage": "<json>"}``."""
    if not isinstance(decoded, dict):
        return {}
    inner = decoded.get("DecodedMessage")
    if isinstance(inner, str):
        try:
            inner = json.loads(inner)
        except ValueError:
            return decoded
    return inner if isinstance(inner, dict) else decoded


def items(node: Any) -> list[Any]:
    """The elements of an ``{"items": [...]}`` wrapper (or of a plain list)."""
    if isinstance(node, dict):
        node = node.get("items")
    return list(node) if isinstance(node, list) else []


def text(value: Any) -> str | None:
    """A non-empty string, stripped; anything else is unknown."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def values(node: Any) -> list[str]:
    """The ``value`` strings of a wrapped list of ``{"value": ...}`` objects."""
    found = []
    for item in items(node):
        value = text(item.get("value")) if isinstance(item, dict) else text(item)
        if value is not None:
            found.append(value)
    return found


def conditions(node: Any) -> dict[str, list[str]]:
    """``{"items": [{"key": k, "values": {"items": [{"value": v}]}}]}`` -> ``{k: [v]}``."""
    found: dict[str, list[str]] = {}
    for item in items(node):
        if isinstance(item, dict) and (key := text(item.get("key"))):
            found.setdefault(key, []).extend(values(item.get("values")))
    return found


def statement(node: Any) -> MatchedStatement | None:
    """One matched statement, or None when the element is not an object."""
    if not isinstance(node, dict):
        return None
    sid = node.get("statementId")
    effect = text(node.get("effect"))
    return MatchedStatement(
        sid=sid.strip() if isinstance(sid, str) else None,
        effect=effect.upper() if effect else None,
        principals=values(node.get("principals")),
        actions=values(node.get("actions")),
        resources=values(node.get("resources")),
        conditions=conditions(node.get("conditions")),
    )


def statements(message: dict[str, Any]) -> list[MatchedStatement]:
    """Every readable statement of ``matchedStatements``."""
    read = (statement(node) for node in items(message.get("matchedStatements")))
    return [found for found in read if found is not None]


def context(message: dict[str, Any]) -> dict[str, Any]:
    """The ``context`` object, or an empty one."""
    found = message.get("context")
    return found if isinstance(found, dict) else {}


def principal_arn(message: dict[str, Any]) -> str | None:
    """``context.principal.arn`` when it looks like an ARN."""
    principal = context(message).get("principal")
    arn = text(principal.get("arn")) if isinstance(principal, dict) else None
    return arn if arn and arn.startswith("arn:") else None
