"""Rejoin a blob that a terminal or editor hard-wrapped over several lines.

The line holding the blob's start must end with it and look wrapped (40-320 columns). The next
line continues the blob when it starts at the same indentation with blob characters; the one
after only when that line was filled to the wrap width (a terminal wraps every line at the same
column), so prose after a blob that ended before the margin stays prose.
"""

from __future__ import annotations

import re

from bot.inputs.sizes import MAX_WRAP_WIDTH, MIN_WRAP_WIDTH

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
    line_start = _line_start(text, start)
    width = end - line_start
    if not (MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH) or not _LINE_END.match(text, end):
        return parts[0], end
    # The first continuation is as wide as the whole first line (a terminal wrapped the line) or
    # as its blob part (a wrapped blob was pasted after a label); later ones as the widest before.
    full_width = min(width, end - start)
    indent = _INDENT.match(text, line_start)
    indent_text = indent.group() if indent else ""
    while (piece := _NEXT_LINE.match(text, end)) is not None and piece.group(1) == indent_text:
        parts.append(piece.group(2))
        end = piece.end()
        line_width = end - _line_start(text, end)
        # One column of slack: the label line may have lost a space the others kept.
        if line_width < full_width - 1 or not _LINE_END.match(text, end):
            break
        full_width = max(full_width, line_width)
    return "".join(parts), end


def _line_start(text: str, pos: int) -> int:
    """Where the line holding ``pos`` starts, looking back no further than a wrap can be wide."""
    floor = max(0, pos - MAX_WRAP_WIDTH - 1)
    newline = text.rfind("\n", floor, pos)
    if newline >= 0:
        return newline + 1
    return 0 if floor == 0 else floor - 1  # farther than any wrap: report a too-wide line
