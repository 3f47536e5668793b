"""Public sample texts (a verbatim copy of ``shared/samples/public-cases.json``) and a tolerant
loader for their decoded messages, standing in for the input parser the engine does not depend on.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parents[2] / "data" / "public-cases.json"
_ELLIPSIS_LINE = re.compile(r"^\s*(\(\.\.\.\)|\.\.\.|…+\.*)\s*$", re.MULTILINE)
_FIELD = r'"{name}"\s*:\s*"([^"]+)"'
_CONDITION = re.compile(
    r'\{\s*"key"\s*:\s*"([^"]+)"\s*,\s*"values"\s*:\s*\{\s*"items"\s*:\s*\[(.*?)\]'
)


@cache
def public_cases() -> dict[str, dict[str, Any]]:
    """Every public case by id."""
    cases = json.loads(SAMPLES.read_text("utf-8"))
    return {case["id"]: case for case in cases}


def load_decoded(text: str) -> tuple[dict[str, Any], bool]:
    """The decoded message of a pasted text and whether it was abridged (partial)."""
    try:
        return _unwrap(json.loads(text)), False
    except ValueError:
        pass
    try:
        return _unwrap(json.loads(_ELLIPSIS_LINE.sub("", text))), True
    except ValueError:
        return _extract(text.replace('\\"', '"')), True


def _unwrap(data: Any) -> dict[str, Any]:
    inner = data.get("DecodedMessage") if isinstance(data, dict) else None
    if isinstance(inner, str):
        return dict(json.loads(inner))
    return dict(data)


def _extract(text: str) -> dict[str, Any]:
    """Pick the fields a cut or abridged message still shows; a field cut mid-value is left out."""
    message: dict[str, Any] = {}
    flag = re.search(r'"explicitDeny"\s*:\s*(true|false)', text)
    if flag:
        message["explicitDeny"] = flag.group(1) == "true"
    context: dict[str, Any] = {}
    principal = re.search(r'"principal"\s*:\s*\{[^}]*?"arn"\s*:\s*"([^"]+)"', text)
    if principal:
        context["principal"] = {"arn": principal.group(1)}
    for name in ("action", "resource"):
        found = re.search(_FIELD.format(name=name), text)
        if found:
            context[name] = found.group(1)
    conditions = [
        {
            "key": key,
            "values": {
                "items": [{"value": v} for v in re.findall(r'"value"\s*:\s*"([^"]*)"', raw)]
            },
        }
        for key, raw in _CONDITION.findall(text)
    ]
    context["conditions"] = {"items": conditions}
    message["context"] = context
    return message
