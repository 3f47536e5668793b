"""Undo what Slack and terminals do to a pasted error, so the other parsers see plain text."""

from __future__ import annotations

import re

from bot.inputs.sizes import BINARY_CONTROL_RATIO, BINARY_MIN_CONTROL_CHARS

# Slack turns URLs and e-mail-like words (role session names!) into <url|label> links.
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^<>|\s]*)(?:\|([^<>]*))?>")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_TRANSLATE = {
    **_ZERO_WIDTH,
    **{ord(c): " " for c in "\u00a0\u2007\u202f\u2009\u2002\u2003"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u00ab\u00bb"},
    **{ord(c): "'" for c in "\u2018\u2019\u201a"},
}
_CODE_FENCE = re.compile(r"```")
# Terraform's diagnostic box and Slack's "> " quotes prefix every line of a wrapped error.
_LINE_PREFIX = re.compile(r"(?m)^[ \t]*+(?:[│┃║╷╵╎┆┊|>][ \t]?)++")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def looks_binary(text: str) -> bool:
    """Tell whether ``text`` holds so many control characters that it is not a pasted error."""
    count = len(_CONTROL.findall(text))
    return count > max(BINARY_MIN_CONTROL_CHARS, BINARY_CONTROL_RATIO * len(text))


def normalize_text(text: str) -> str:
    """Return ``text`` as the user saw it: links, escapes, fences, odd spaces and prefixes undone.

    Line breaks are kept (a wrapped blob is rejoined later, by the blob parser).
    """
    text = _SLACK_LINK.sub(_link_text, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = text.translate(_TRANSLATE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CODE_FENCE.sub("\n", text).replace("`", " ")
    text = _CONTROL.sub("", text)
    return _LINE_PREFIX.sub("", text)


def _link_text(match: re.Match[str]) -> str:
    label = match.group(2)
    if label:
        return label
    url = match.group(1)
    return url.removeprefix("mailto:")
