"""Rejoin a blob that a terminal or editor hard-wrapped over several lines.

A continuation line is only taken when the line before it was filled to the wrap width (every
wrapped line of one paste has the same width), so a short word on the next line stays prose.
"""

from __future__ import annotations

import re

from bot.inputs.limits import MAX_WRAP_WIDTH, MIN_WRAP_WIDTH

BLOB_RUN = re.compile(r"[A-Za-z0-9_-]++")
_NEXT_LINE = re.compile(r"[ \t]*+\n[ \t]*+([A-Za-z0-9_-]++)")
_LINE_END = re.compile(r"[ \t]*+(?:\n|$)")
# What may follow the last piece of a blob on its line: a closing quote, tag, bracket, a full
# stop, an ellipsis (cut) or the backslash of an escaped "\n" in a JSON log line.
_CLOSER = re.compile(r"[\"'<,;)\]}.…\\]")


def join_wrapped(text: str, start: int) -> tuple[str, int]:
    """Return the blob starting at ``start`` (continuation lines rejoined) and where it ends."""
    run = BLOB_RUN.match(text, start)
    if run is None:
        return "", start
    parts, end = [run.group()], run.end()
    width = end - (text.rfind("\n", 0, start) + 1)
    if not (MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH) or not _LINE_END.match(text, end):
        return parts[0], end
    while (piece := _NEXT_LINE.match(text, end)) is not None:
        at_line_end = _LINE_END.match(text, piece.end()) is not None
        if not at_line_end and not _CLOSER.match(text, piece.end()):
            break
        parts.append(piece.group(1))
        end = piece.end()
        if not at_line_end or end - (text.rfind("\n", 0, end) + 1) != width:
            break
    return "".join(parts), end
