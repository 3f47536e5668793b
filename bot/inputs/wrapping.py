"""Rejoin a blob that a terminal or editor hard-wrapped over several lines.

The line holding the blob's start sets the wrap width. The next line continues the blob only
when the line before it was filled to that width (a terminal wraps every line at the same
column) and it starts at the same indentation with blob characters, so prose after a blob that
ended before the margin stays prose.
"""

from __future__ import annotations

import re

from bot.inputs.limits import MAX_WRAP_WIDTH, MIN_WRAP_WIDTH

BLOB_RUN = re.compile(r"[A-Za-z0-9_-]++")
_NEXT_LINE = re.compile(r"[ \t]*+\n([ \t]*+)([A-Za-z0-9_-]++)")
_INDENT = re.compile(r"[ \t]*+")
_LINE_END = re.compile(r"[ \t]*+(?:\n|$)")


def join_wrapped(text: str, start: int) -> tuple[str, int]:
    """Return the blob starting at ``start`` (continuation lines rejoined) and where it ends."""
    run = BLOB_RUN.match(text, start)
    if run is None:
        return "", start
    parts, end = [run.group()], run.end()
    line_start = text.rfind("\n", 0, start) + 1
    width = end - line_start
    if not (MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH) or not _LINE_END.match(text, end):
        return parts[0], end
    indent = _INDENT.match(text, line_start)
    indent_text = indent.group() if indent else ""
    while (piece := _NEXT_LINE.match(text, end)) is not None and piece.group(1) == indent_text:
        parts.append(piece.group(2))
        end = piece.end()
        line_width = end - (text.rfind("\n", 0, end) + 1)
        # One column of slack: the label line may have lost a space the others kept.
        if line_width < width - 1 or not _LINE_END.match(text, end):
            break
        width = max(width, line_width)
    return "".join(parts), end
