"""AWS Backup job references: job ARNs, job ids (UUIDs or long hex) and the words that type them."""

from __future__ import annotations

import re

from bot.models import JobRef, JobType

_JOB_ARN = re.compile(
    r"(?<![A-Za-z0-9-])arn:aws(?:-[a-z]+)*+:backup:(?P<region>[a-z0-9-]++):(?P<account>\d{12}):"
    r"(?P<type>backup|restore|copy)-job:(?P<id>[A-Za-z0-9-]++)"
)
_JOB_ID = re.compile(
    r"(?<![A-Za-z0-9_-])(?:[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32,}+)"
    r"(?![A-Za-z0-9_-])"
)
_JOB_WORD = re.compile(r"(?i)(?:(restore|backup|copy)[ _-]?)?jobs?")
# Ids of other things that share the UUID shape; an error text is full of them.
_OTHER_ID = re.compile(r"(?i)(?:request|event|trace|correlation|message|session)[ _-]?id")
_WINDOW = 40


def find_job(text: str, *, in_error: bool) -> JobRef | None:
    """Return the first Backup job the text names.

    In an error text (``in_error``) a bare id only counts when a job word precedes it, because
    request ids and event ids there have the same shape.
    """
    arn = _JOB_ARN.search(text)
    if arn is not None:
        return JobRef(
            job_id=arn["id"],
            job_type=_job_type(arn["type"]),
            arn=arn.group(0),
            account_id=arn["account"],
            region=arn["region"],
        )
    for match in _JOB_ID.finditer(text):
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        if _OTHER_ID.search(before):
            continue
        words = list(_JOB_WORD.finditer(before))
        if in_error and not words:
            continue
        named = words[-1].group(1) if words else _only_job_type(text)
        return JobRef(job_id=match.group(0), job_type=_job_type(named))
    return None


def is_job_id(text: str) -> bool:
    """Tell whether ``text`` is exactly a job id (a UUID or 32+ hex digits)."""
    return _JOB_ID.fullmatch(text) is not None


def _only_job_type(text: str) -> str | None:
    named = {m.group(1).lower() for m in _JOB_WORD.finditer(text) if m.group(1)}
    return named.pop() if len(named) == 1 else None


def _job_type(word: str | None) -> JobType | None:
    lowered = (word or "").lower()
    if lowered == "restore":
        return "restore"
    if lowered == "backup":
        return "backup"
    if lowered == "copy":
        return "copy"
    return None
