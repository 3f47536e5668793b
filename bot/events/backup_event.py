"""An AWS Backup job state-change event, as an EventBridge rule's SQS target delivers it.

Pure: no AWS, no Slack. Restore events carry their state in ``detail.status`` (only the CREATED
event uses ``state``); backup and copy events use ``detail.state``. The account and Region are in
the envelope only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from bot.arns import is_account_id, is_region
from bot.models import JobType

#: detail-type -> (job type, the detail field with the job id, the field with its state)
DETAIL_TYPES: Final[dict[str, tuple[JobType, str, str]]] = {
    "Restore Job State Change": ("restore", "restoreJobId", "status"),
    "Backup Job State Change": ("backup", "backupJobId", "state"),
    "Copy Job State Change": ("copy", "copyJobId", "state"),
}
#: the states that mean "this job failed", per job type
FAILED_STATES: Final[dict[JobType, frozenset[str]]] = {
    "restore": frozenset({"FAILED"}),
    "backup": frozenset({"FAILED", "ABORTED", "EXPIRED"}),
    "copy": frozenset({"FAILED", "ABORTED", "EXPIRED"}),
}
_ENVELOPE: Final = ("id", "detail-type", "source", "account", "region", "detail")
_JOB_ID = re.compile(r"[A-Za-z0-9-]{1,128}")


class MalformedEvent(ValueError):
    """The message body is not an EventBridge event this bot can read."""


@dataclass(frozen=True)
class BackupEvent:
    """What the bot needs of one event; ``job_type`` is None for events it does not handle."""

    event_id: str
    detail_type: str
    source: str
    account_id: str
    region: str
    time: str
    job_type: JobType | None
    job_id: str | None
    state: str | None
    status_message: str | None = None

    @property
    def is_failure(self) -> bool:
        """A Backup job that failed (restore FAILED; backup or copy FAILED, ABORTED, EXPIRED)."""
        if self.source != "aws.backup" or self.job_type is None or self.job_id is None:
            return False
        return (self.state or "").upper() in FAILED_STATES[self.job_type]

    @property
    def job_arn(self) -> str:
        """The job's ARN, which the pipeline reads like a pasted job ARN."""
        return f"arn:aws:backup:{self.region}:{self.account_id}:{self.job_type}-job:{self.job_id}"


def parse_event(body: str) -> BackupEvent:
    """Read one SQS message body; ``MalformedEvent`` says what is wrong with it."""
    try:
        raw = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise MalformedEvent(f"not JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise MalformedEvent("not a JSON object")
    missing = [name for name in _ENVELOPE if name not in raw]
    if missing:
        raise MalformedEvent(f"no {', '.join(missing)}: not an EventBridge event")
    detail = raw["detail"]
    if not isinstance(detail, dict):
        raise MalformedEvent("detail is not an object")
    account, region = raw["account"], raw["region"]
    if not (isinstance(account, str) and is_account_id(account)):
        raise MalformedEvent("account is not a 12-digit account id")
    if not (isinstance(region, str) and is_region(region)):
        raise MalformedEvent("region is not a Region name")
    event_id = raw["id"]
    if not isinstance(event_id, str) or not event_id.strip():
        raise MalformedEvent("id is empty")
    detail_type = str(raw["detail-type"])
    job_type, job_id, state = _job(detail_type, detail)
    return BackupEvent(
        event_id=event_id,
        detail_type=detail_type,
        source=str(raw["source"]),
        account_id=account,
        region=region,
        time=str(raw.get("time") or ""),
        job_type=job_type,
        job_id=job_id,
        state=state,
        status_message=_text(detail.get("statusMessage")),
    )


def _job(detail_type: str, detail: dict[str, Any]) -> tuple[JobType | None, str | None, str | None]:
    known = DETAIL_TYPES.get(detail_type)
    if known is None:
        return None, None, _text(detail.get("state") or detail.get("status"))
    job_type, id_field, state_field = known
    job_id = _text(detail.get(id_field))
    if job_id is not None and not _JOB_ID.fullmatch(job_id):
        raise MalformedEvent(f"detail.{id_field} is not a job id")
    return job_type, job_id, _text(detail.get(state_field))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
