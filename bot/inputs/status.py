"""AWS Backup job status messages that carry no encoded message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.inputs.sizes import STATUS_TEXT_MAX_CHARS

_KNOWN = [
    r"Access\s++Denied\s++trying\s++to\s++call\s++AWS\s++Backup\s++service",
    r"AWS\s++Backup\s++does\s++not\s++have\s++permission\s++to\s++describe\s++resource",
    r"Given\s++key\s++ID\s++is\s++not\s++accessible",
    r"permissions\s++associated\s++with\s++your\s++AWS\s++Backup\s++role",
    r"Insufficient\s++privileges\s++to\s++perform\s++this\s++action",
    r"does\s++not\s++permit\s++attaching\s++a\s++new\s++instance\s++profile",
]
_STATUS = re.compile("(?i)" + "|".join(_KNOWN))
_DESCRIBED = re.compile(r"(?i)permission\s++to\s++describe\s++resource\s++(arn:\S++)")


@dataclass(frozen=True)
class StatusFind:
    """A Backup status message, and the resource it names if it names one."""

    text: str
    resource: str | None = None


def find_status(text: str) -> StatusFind | None:
    """Return the Backup job status of ``text`` (whitespace collapsed), if it holds a known one."""
    if _STATUS.search(text) is None:
        return None
    collapsed = " ".join(text.split())[:STATUS_TEXT_MAX_CHARS]
    described = _DESCRIBED.search(text)
    resource = described.group(1).rstrip(".,;'\")") if described else None
    return StatusFind(collapsed, resource)
