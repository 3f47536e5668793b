"""Making untrusted text safe and short enough for Slack.

Every name that comes from AWS or from a user passes through here before it reaches Slack:
``escape`` stops ``<!channel>``, ``<@U…>`` and fake links; ``literal`` also stops ``*bold*``-style
formatting; ``code`` shows a name verbatim in inline code. Text that is too long is cut
*visibly* so Slack never rejects a message and readers know something is missing.
See https://api.slack.com/reference/surfaces/formatting#escaping
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

TRUNCATED = "… (truncated)"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SPACES = re.compile(r"\s+")
# Lookalikes for mrkdwn markers: the reader sees the character, Slack sees no formatting.
_NEUTRAL = str.maketrans({"*": "∗", "~": "∼", "`": "ʼ"})


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so Slack shows them instead of parsing mentions and links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, marker: str = TRUNCATED) -> str:
    """``text`` cut to at most ``limit`` characters, ending with ``marker`` if anything was cut."""
    if len(text) <= limit:
        return text
    if limit <= len(marker):
        return marker[:limit]
    return text[: limit - len(marker)] + marker


def fit(escaped: str, limit: int, marker: str = TRUNCATED) -> str:
    """Like ``truncate`` for already escaped mrkdwn: never leaves half an ``&amp;`` behind."""
    if len(escaped) <= limit:
        return escaped
    if limit <= len(marker):
        return marker[:limit]
    head = _PARTIAL_ENTITY.sub("", escaped[: limit - len(marker)])
    return head + marker


def literal(text: str, limit: int = 3000) -> str:
    """Untrusted prose for mrkdwn: escaped, formatting markers neutralised, visibly capped."""
    return fit(escape(text.translate(_NEUTRAL)), limit)


def code(text: str, limit: int = 500) -> str:
    """``text`` as inline code, on one line; backticks become ``ʼ`` so they cannot end the span."""
    flat = _SPACES.sub(" ", text).strip().replace("`", "ʼ") or "-"
    return "`" + fit(escape(flat), max(limit - 2, 1), "…") + "`"


def code_block(text: str, limit: int = 3000) -> str:
    """``text`` in a fenced code block of at most ``limit`` characters (fences included).

    Backticks become ``ʼ``: Slack has no escape for them, and a stray one can end the block.
    """
    body = escape(text.replace("`", "ʼ")) or " "
    return "```\n" + fit(body, limit - 8) + "\n```"


def bold(text: str, limit: int = 200) -> str:
    """Untrusted ``text`` in bold (its own ``*`` cannot end the bold early)."""
    flat = _SPACES.sub(" ", text).strip() or "-"
    return "*" + literal(flat, limit - 2) + "*"


def plain(text: str, limit: int, *, empty: str = "-", marker: str = "…") -> str:
    """Text for a plain_text field: one line, never empty, at most ``limit`` characters."""
    flat = _SPACES.sub(" ", text).strip()
    return truncate(flat or empty, limit, marker)


def mention(user_id: str | None) -> str:
    """``<@U123>`` for a real-looking Slack user id; anything else is shown as escaped text."""
    if user_id is None:
        return "someone"
    if _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return literal(_SPACES.sub(" ", user_id), 100)


def date(moment: datetime) -> str:
    """A time each reader sees in their own time zone (naive times are UTC), with a fallback."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    epoch = int(utc.timestamp())
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"
