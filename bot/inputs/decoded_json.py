"""An already decoded authorization message: JSON, escaped JSON, the CLI wrapper, or abridged."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.inputs.decoded_fields import extract_fields

_SIGNAL = re.compile(r"DecodedMessage|\"(?:allowed|explicitDeny|matchedStatements)\b")
_DECODED_SHAPE: dict[str, type] = {
    "allowed": bool,
    "explicitDeny": bool,
    "matchedStatements": dict,
    "context": dict,
}
_MAX_UNWRAP = 4


@dataclass(frozen=True)
class DecodedFind:
    """A decoded message in AWS's shape; ``partial`` when it was abridged (missing = unknown)."""

    message: dict[str, Any]
    partial: bool


def find_decoded(text: str) -> DecodedFind | None:
    """Return the decoded message in ``text``: strict JSON first, then field by field."""
    if _SIGNAL.search(text) is None:
        return None
    strict = _strict(text)
    if strict is not None:
        return DecodedFind(strict, partial=False)
    fields = extract_fields(text)
    return DecodedFind(fields, partial=True) if fields else None


def _strict(text: str) -> dict[str, Any] | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None
    value: Any = _loads(text[start : end + 1])
    for _ in range(_MAX_UNWRAP):
        if isinstance(value, str):
            value = _loads(value)
        elif isinstance(value, dict) and "DecodedMessage" in value:
            value = value["DecodedMessage"]
        else:
            break
    return value if isinstance(value, dict) and _has_decoded_shape(value) else None


def _has_decoded_shape(value: dict[Any, Any]) -> bool:
    return any(isinstance(value.get(key), kind) for key, kind in _DECODED_SHAPE.items())


def _loads(text: str) -> Any:
    """Parse JSON, or a JSON string's escaped content pasted without its quotes."""
    for candidate in (text, f'"{text}"'):
        try:
            return json.loads(candidate, strict=False)
        # Deeply nested hostile input overflows the C scanner's recursion guard.
        except (ValueError, RecursionError):
            continue
    return None
