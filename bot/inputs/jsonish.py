"""Tolerant readers for fragments of AWS's decoded-message JSON that no JSON parser accepts.

Each reader matches one local shape (a key and its string, an ``{"items": [...]}`` list) at a
known position, so text elided or reflowed elsewhere does not disturb it. Every quantifier is
possessive: the readers stay linear on hostile input.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

# The lookbehinds make each run of backslashes one attempt, not one per backslash.
_ESCAPED_QUOTE = re.compile(r"(?<!\\)\\++([\"/])")
_ESCAPED_NEWLINE = re.compile(r"(?<!\\)\\++[nrt]")
_ITEMS_OPEN = r"\s*+:\s*+\{\s*+\"items\"\s*+:\s*+\["
_VALUE = re.compile(r"[\s,]*+\{\s*+\"value\"\s*+:\s*+\"([^\"\n]*+)\"\s*+\}")
_KEY = re.compile(r"[\s,]*+\{\s*+\"key\"\s*+:\s*+\"([^\"\n]*+)\"\s*+,\s*+\"values\"" + _ITEMS_OPEN)
_KEY_CLOSE = re.compile(r"[\s,]*+\]\s*+\}\s*+\}")
_LIST_CLOSE = re.compile(r"[\s,]*+\]")
_T = TypeVar("_T")
_ELIDED = ("…", "...")


def unescape(text: str) -> str:
    """Undo any depth of JSON string escaping of quotes and slashes (``\\"``, ``\\\\\\"``)."""
    return _ESCAPED_NEWLINE.sub("\n", _ESCAPED_QUOTE.sub(r"\1", text))


def string_value(text: str, key: str, start: int = 0, end: int | None = None) -> str | None:
    """The complete string value of the first ``"key": "..."`` in ``text[start:end]``."""
    pattern = re.compile(rf"\"{re.escape(key)}\"\s*+:\s*+\"([^\"\n]*+)\"")
    match = pattern.search(text, start, len(text) if end is None else end)
    if match is None or any(mark in match.group(1) for mark in _ELIDED):
        return None
    return match.group(1)


def items_at(text: str, key: str, start: int = 0, end: int | None = None) -> list[str] | None:
    """The values of the first ``"key": {"items": [{"value": ...}, ...]}`` in the range."""
    opening = re.compile(rf"\"{re.escape(key)}\"{_ITEMS_OPEN}").search(
        text, start, len(text) if end is None else end
    )
    if opening is None:
        return None
    values, pos = _values(text, opening.end())
    return _unless_elided(values, text, pos)


def conditions_at(text: str, start: int = 0, end: int | None = None) -> list[dict[str, Any]] | None:
    """The ``"conditions": {"items": [{"key": k, "values": ...}]}`` list, as far as intact."""
    opening = re.compile(rf"\"conditions\"{_ITEMS_OPEN}").search(
        text, start, len(text) if end is None else end
    )
    if opening is None:
        return None
    items: list[dict[str, Any]] = []
    pos = opening.end()
    while (key := _KEY.match(text, pos)) is not None:
        values, pos = _values(text, key.end())
        items.append({"key": key.group(1), "values": {"items": [{"value": v} for v in values]}})
        closing = _KEY_CLOSE.match(text, pos)
        pos = closing.end() if closing else pos
    return _unless_elided(items, text, pos)


def _unless_elided(items: list[_T], text: str, pos: int) -> list[_T] | None:
    """An empty list whose ``]`` is missing was elided, not empty: its content is unknown."""
    return None if not items and _LIST_CLOSE.match(text, pos) is None else items


def _values(text: str, pos: int) -> tuple[list[str], int]:
    values: list[str] = []
    while (value := _VALUE.match(text, pos)) is not None:
        values.append(value.group(1))
        pos = value.end()
    return values, pos
