"""Field-by-field reading of an abridged decoded message (cut, elided, reflowed, mis-escaped)."""

from __future__ import annotations

import re
from typing import Any

from bot.inputs.jsonish import conditions_at, items_at, string_value, unescape

_BOOLEAN = {
    key: re.compile(rf"\"{key}\"\s*+:\s*+(true|false)") for key in ("allowed", "explicitDeny")
}
_STATEMENT_ID = re.compile(r"\"statementId\"\s*+:\s*+\"([^\"\n]*+)\"")
_NO_STATEMENTS = re.compile(r"\"matchedStatements\"\s*+:\s*+\{\s*+\"items\"\s*+:\s*+\[\s*+\]")
_CONTEXT = re.compile(r"\"context\b")
_PRINCIPAL = re.compile(r"\"principal\"\s*+:\s*+\{([^{}]*+)")


def extract_fields(text: str) -> dict[str, Any] | None:
    """Return every field of AWS's decoded-message shape found in ``text``, or None if none is."""
    text = unescape(text)
    found: dict[str, Any] = {}
    for key, pattern in _BOOLEAN.items():
        if (match := pattern.search(text)) is not None:
            found[key] = match.group(1) == "true"
    context_at = _context_start(text)
    statements = _statements(text, context_at)
    if statements is not None:
        found["matchedStatements"] = {"items": statements}
    if context := _context(text, context_at):
        found["context"] = context
    return found if "context" in found or "allowed" in found or "explicitDeny" in found else None


def _context_start(text: str) -> int | None:
    matches = list(_CONTEXT.finditer(text))
    return matches[-1].start() if matches else None


def _context(text: str, context_at: int | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if principal := _principal(text):
        context["principal"] = principal
    for key in ("action", "resource"):
        if (value := string_value(text, key)) is not None:
            context[key] = value
    if context_at is not None and (items := conditions_at(text, context_at)) is not None:
        context["conditions"] = {"items": items}
    return context


def _principal(text: str) -> dict[str, str]:
    match = _PRINCIPAL.search(text)
    if match is None:
        return {}
    body = match.group(1)
    fields = {key: string_value(body, key) for key in ("id", "name", "arn")}
    return {key: value for key, value in fields.items() if value is not None}


def _statements(text: str, context_at: int | None) -> list[dict[str, Any]] | None:
    starts = list(_STATEMENT_ID.finditer(text))
    if not starts:
        return [] if _NO_STATEMENTS.search(text) else None
    limit = context_at if context_at is not None and context_at > starts[-1].start() else len(text)
    ends = [match.start() for match in starts[1:]] + [limit]
    return [_statement(text, match, end) for match, end in zip(starts, ends, strict=True)]


def _statement(text: str, sid: re.Match[str], end: int) -> dict[str, Any]:
    statement: dict[str, Any] = {"statementId": sid.group(1)}
    if (effect := string_value(text, "effect", sid.end(), end)) is not None:
        statement["effect"] = effect
    for key in ("principals", "principalGroups", "actions", "resources"):
        if (values := items_at(text, key, sid.end(), end)) is not None:
            statement[key] = {"items": [{"value": value} for value in values]}
    if (conditions := conditions_at(text, sid.end(), end)) is not None:
        statement["conditions"] = {"items": conditions}
    return statement
