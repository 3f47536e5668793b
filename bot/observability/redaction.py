"""Masks credentials in text before it is logged: the log pipeline must never carry a secret.

Patterns cover what this bot handles: Slack tokens and signatures, AWS access keys and session
tokens, ``Authorization`` headers, passwords in URLs and any ``<secret-ish name>=<value>`` pair.
Over-masking a harmless value is acceptable; leaking a credential is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

MASK = "[REDACTED]"

#: names whose values are secrets wherever they appear as ``name=value`` / ``name: value`` / JSON
SECRET_NAME = re.compile(
    r"(?i)secret|token|password|passwd|pwd|api[_-]?key|signature|credential|authorization|cookie"
)

_NAMES = r"(?:secret|token|password|passwd|pwd|api[_-]?key|signature|credential|cookie)"
#: a value after ``name=`` / ``name: ``: quoted (kept quoted) or a bare word; never re-masks a mask
_VALUE = (
    r"""(?:"(?!\[REDACTED\]")[^"]*"|'(?!\[REDACTED\]')[^']*'|(?!\[REDACTED\])[^\s"',;&)}\]]+)"""
)


def _mask_value(match: re.Match[str]) -> str:
    value = match.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group(1)}{quote}{MASK}{quote}"


_Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
_RULES: tuple[_Rule, ...] = (
    # Authorization headers: the whole value up to the closing quote or the end of the line
    # (AWS SigV4 values hold spaces and commas).
    (
        re.compile(
            r"""(?i)(\bauthorization["']?\s*[:=]\s*)"""
            r"""("(?!\[REDACTED\]")[^"]*"|'(?!\[REDACTED\]')[^']*'|(?!\[REDACTED\])[^\s"'][^\r\n"']*)"""
        ),
        _mask_value,
    ),
    # ``<name containing secret/token/...>`` followed by ``=`` or ``:`` and a value (before the
    # patterns below, so a named value is masked whole).
    (re.compile(rf"(?i)([\w.-]*{_NAMES}[\w.-]*[\"']?\s*[:=]\s*)({_VALUE})"), _mask_value),
    # Slack tokens: bot/user/app/config/refresh, including rotating ``xoxe.xoxb-`` tokens.
    (re.compile(r"\b(xox[a-z]?(?:\.xox[a-z])?-|xapp-)[A-Za-z0-9-]+"), rf"\1{MASK}"),
    # Slack incoming-webhook URLs carry their secret in the path.
    (
        re.compile(
            r"(hooks\.slack\.com/(?:services|workflows|triggers)/)(?!\[REDACTED\])[^\s\"'>]+"
        ),
        rf"\1{MASK}",
    ),
    # AWS access key ids (long-term AKIA, temporary ASIA, and the rarer ABIA/ACCA).
    (re.compile(r"\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"), rf"\1{MASK}"),
    # AWS session tokens start with one of these base64 prefixes.
    (re.compile(r"\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]+"), MASK),
    # Passwords in URLs: rediss://user:password@host, https://user:password@host.
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?!\[REDACTED\]@)[^@\s/]+@"), rf"\1{MASK}@"),
    # A bare 40-character base64 word with a '/' or '+' in it: the shape of an AWS secret key.
    (
        re.compile(
            r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9+]*/|[A-Za-z0-9/]*\+)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
        MASK,
    ),
)


def redact_text(text: str) -> str:
    """``text`` with every credential-looking part replaced by ``[REDACTED]``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, key: str | None = None) -> Any:
    """``value`` with secrets masked, recursing into mappings and sequences.

    A value stored under a secret-looking ``key`` is masked whole, whatever it looks like.
    """
    if key is not None and SECRET_NAME.search(key) and value not in (None, "", MASK):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v) for v in value)
    return value
