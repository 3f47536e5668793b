"""The decoded message, shown to the requester only (it can hold privileged policy detail)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block, PlainTextObject
from slack_sdk.models.views import View

from bot.blocks import slack_limits as limits
from bot.blocks.elements import context, section
from bot.blocks.mrkdwn import escape, plain

#: room for the code fences inside one section
_CHUNK = limits.SECTION_TEXT - 8
#: sections of JSON: the view keeps two blocks for the intro and the "cut" note
_MAX_CHUNKS = limits.VIEW_BLOCKS - 2


def decoded_view(decoded: dict[str, Any], *, title: str = "Decoded message") -> View:
    """A modal with the pretty JSON in code blocks, cut visibly beyond Slack's 100 blocks."""
    chunks = json_chunks(decoded)
    blocks: list[Block] = [context("Only you can see this. It may show policy details.")]
    blocks += [section(f"```\n{chunk}\n```") for chunk in chunks[:_MAX_CHUNKS]]
    if len(chunks) > _MAX_CHUNKS:
        blocks.append(context(f"… (truncated: {len(chunks) - _MAX_CHUNKS} more parts not shown)"))
    return View(
        type="modal",
        title=PlainTextObject(text=plain(title, limits.MODAL_TITLE), emoji=False),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )


def json_chunks(decoded: dict[str, Any]) -> list[str]:
    """Escaped, pretty JSON in pieces of whole lines that each fit in one code block."""
    text = json.dumps(decoded, indent=2, ensure_ascii=False, default=str).replace("`", "ʼ")
    chunks: list[str] = []
    current = ""
    for line in (escape(raw) for raw in text.splitlines()):
        for piece in _split_long(line):
            if current and len(current) + 1 + len(piece) > _CHUNK:
                chunks.append(current)
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def _split_long(line: str) -> list[str]:
    """A line longer than a chunk, cut where no ``&amp;`` entity is split."""
    pieces = []
    while len(line) > _CHUNK:
        cut = _CHUNK
        amp = line.rfind("&", cut - 5, cut)
        if amp != -1 and ";" not in line[amp:cut]:
            cut = amp
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line]
