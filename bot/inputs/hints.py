"""The optional ``account=123456789012`` and ``region=eu-west-1`` words of the command."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.arns import is_account_id, is_region

_HINT = re.compile(r"(?i)(?<![\w?&-])(account|region)[ \t]*+=[ \t]*+[\"']?([A-Za-z0-9-]+)[\"']?")


@dataclass(frozen=True)
class Hints:
    """The text with its hint words removed, and what those words said."""

    text: str
    account_id: str | None = None
    region: str | None = None


def extract_hints(text: str) -> Hints:
    """Remove valid ``account=`` / ``region=`` words from ``text`` and return their values.

    A malformed value (say, an 11-digit account) is left in the text and ignored, and so is a
    URL's query parameter (``?region=us-east-1`` in a console link is not the user's word).
    """
    found: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        name, value = match.group(1).lower(), match.group(2)
        valid = is_account_id(value) if name == "account" else is_region(value.lower())
        if not valid or name in found:
            return match.group(0)
        found[name] = value if name == "account" else value.lower()
        return " "

    stripped = _HINT.sub(take, text)
    return Hints(stripped, found.get("account"), found.get("region"))
