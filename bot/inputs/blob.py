"""Find the encoded authorization message (the blob) in a pasted text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.inputs.job_ids import is_job_id
from bot.inputs.sizes import (
    MAX_BLOB_CHARS,
    MIN_BLOB_CANDIDATE,
    MIN_COMPLETE_BLOB,
    MIN_UNMARKED_LINE,
    MIN_WRAP_WIDTH,
)
from bot.inputs.wrapping import join_wrapped

_MARKER = re.compile(
    r"(?i)(?:encoded[ \t\n]++authorization[ \t\n]++failure[ \t\n]++message[ \t]*+:?"
    r"|--encoded-message(?:[ \t]*+=)?|\"?encoded_?message\"?[ \t]*+[:=])[\s\"']*+"
)
_ELLIPSIS = re.compile(r"(?:\.{2,}+|…)++")
_CUT_AFTER = re.compile(r"(?i)[ \t]*+(?:\.{2,}|…|\[\.\.\.\]|\(\.\.\.\)|[(\[]?truncated)")
_UNMARKED = re.compile(rf"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{{{MIN_UNMARKED_LINE},}}+")
_BARE = re.compile(r"[\s\"']*+((?:\.{2,}+|…)?+)([A-Za-z0-9_\s-]*+)((?:\.{2,}+|…)?+)[\s\"']*+")
_PLACEHOLDER = re.compile(r"(?i:(.)\1*+)|[A-Z_-]++|[a-z_-]++")


@dataclass(frozen=True)
class BlobFind:
    """A blob (or the place of a missing one) and the span of text it came from."""

    encoded: str | None  # None: a placeholder such as "<ENCODED MESSAGE>" or nothing at all
    truncated: bool  # cut, too short, too long or missing: never send it to STS
    start: int
    end: int
    bare: bool = False  # the whole text is the blob


def find_blob(text: str) -> BlobFind | None:
    """Return the blob of ``text``: after its label, pasted alone, or a long unlabelled run."""
    return _after_marker(text) or _bare(text) or _unmarked(text)


def _after_marker(text: str) -> BlobFind | None:
    first: BlobFind | None = None
    for marker in _MARKER.finditer(text):
        found = _blob_at(text, marker.start(), marker.end())
        if found.encoded is not None:
            return found
        first = first or found
    return first


def _blob_at(text: str, start: int, pos: int) -> BlobFind:
    lead = _ELLIPSIS.match(text, pos)
    if lead:
        pos = lead.end()
    blob, end = join_wrapped(text, pos)
    if len(blob) < MIN_BLOB_CANDIDATE or _is_placeholder(blob):
        return BlobFind(None, True, start, end)
    cut = lead is not None or _CUT_AFTER.match(text, end) is not None
    return BlobFind(blob, cut or not _complete_length(blob), start, end)


def _bare(text: str) -> BlobFind | None:
    match = _BARE.fullmatch(text)
    if match is None:
        return None
    lines = [line.strip() for line in match.group(2).strip().splitlines()]
    pieces = match.group(2).split()
    blob = "".join(pieces)
    # A wrap splits only at line ends and fills every line but the last: a blank or short line,
    # spaces in a line or a job id mean words.
    if "" in lines or len(pieces) != len(lines):
        return None
    if any(len(line) < MIN_WRAP_WIDTH for line in lines[:-1]):
        return None
    if len(blob) < MIN_BLOB_CANDIDATE or not _looks_random(blob) or any(map(is_job_id, pieces)):
        return None
    cut = bool(match.group(1) or match.group(3))
    return BlobFind(blob, cut or not _complete_length(blob), 0, len(text), bare=True)


def _unmarked(text: str) -> BlobFind | None:
    resume = 0
    for run in _UNMARKED.finditer(text):
        if run.start() < resume:
            continue  # a line already read as part of the run before it
        blob, end = join_wrapped(text, run.start())
        resume = end
        if len(blob) >= MIN_COMPLETE_BLOB and _looks_random(blob):
            cut = _CUT_AFTER.match(text, end) is not None
            return BlobFind(blob, cut or not _complete_length(blob), run.start(), end)
    return None


def _complete_length(blob: str) -> bool:
    return MIN_COMPLETE_BLOB <= len(blob) <= MAX_BLOB_CHARS


def _is_placeholder(run: str) -> bool:
    return _PLACEHOLDER.fullmatch(run) is not None


def _looks_random(blob: str) -> bool:
    """Blobs mix cases and digits; words, hex ids and UUIDs do not."""
    return (
        any(c.isupper() for c in blob)
        and any(c.islower() for c in blob)
        and any(c.isdigit() for c in blob)
    )
