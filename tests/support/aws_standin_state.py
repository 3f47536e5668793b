"""What the AWS stand-in knows: registered blobs, seeded jobs and recovery points, started restores,
authorization details and CloudTrail events.

Everything lives in one :class:`StandinState` guarded by a lock. Given a path, the state is loaded
from that JSON file at start and written back (atomically) after every change, so a test can restart
the stand-in and find its seeded jobs and started restores again. Counters and faults are not
persisted.

A restore job carries its own timeline: it is PENDING for ``pending_seconds`` after ``created_at``,
then RUNNING for ``running_seconds``, then ends in ``final_status``. Seeded jobs have a zero
timeline, so they are in their final status at once.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TERMINAL_RESTORE_STATUSES = ("COMPLETED", "FAILED", "ABORTED")
"""Restore job statuses that end the job's timeline."""


@dataclass
class Blob:
    """A registered blob: its decoded JSON text and the one account that may decode it."""

    decoded: str
    account: str | None = None


@dataclass
class RestoreJob:
    """A restore job, seeded or started through ``StartRestoreJob``."""

    job_id: str
    recovery_point_arn: str
    final_status: str
    created_at: float
    account: str | None = None
    region: str | None = None
    iam_role_arn: str | None = None
    resource_type: str | None = None
    status_message: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    created_resource_arn: str | None = None
    pending_seconds: float = 0.0
    running_seconds: float = 0.0
    idempotency_token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def status_at(self, now: float) -> str:
        """The job's status at ``now`` (epoch seconds)."""
        elapsed = now - self.created_at
        if elapsed < self.pending_seconds:
            return "PENDING"
        if elapsed < self.pending_seconds + self.running_seconds:
            return "RUNNING"
        return self.final_status

    def describe(self, now: float, caller_account: str | None) -> dict[str, Any]:
        """The job as ``DescribeRestoreJob`` returns it at ``now`` to a caller in that account."""
        status = self.status_at(now)
        view: dict[str, Any] = {
            **self.extra,
            "RestoreJobId": self.job_id,
            "RecoveryPointArn": self.recovery_point_arn,
            "CreationDate": self.created_at,
            "Status": status,
            "PercentDone": _percent_done(status),
        }
        optional = {
            "AccountId": self.account or caller_account,
            "IamRoleArn": self.iam_role_arn,
            "ResourceType": self.resource_type,
        }
        view.update({k: v for k, v in optional.items() if v})
        if status in TERMINAL_RESTORE_STATUSES:
            view["CompletionDate"] = self.created_at + self.pending_seconds + self.running_seconds
            if self.status_message:
                view["StatusMessage"] = self.status_message
            if status == "COMPLETED" and self.created_resource_arn:
                view["CreatedResourceArn"] = self.created_resource_arn
        return view


def _percent_done(status: str) -> str:
    return {"PENDING": "0.00%", "RUNNING": "50.00%", "COMPLETED": "100.00%"}.get(status, "0.00%")


@dataclass
class StoredJob:
    """A seeded backup or copy job: its Describe*Job fields, and its account and Region."""

    fields: dict[str, Any]
    account: str | None = None
    region: str | None = None


@dataclass
class RecoveryPoint:
    """A seeded recovery point and the metadata ``GetRecoveryPointRestoreMetadata`` gives."""

    vault: str
    arn: str
    metadata: dict[str, str]
    resource_type: str | None = None
    account: str | None = None
    region: str | None = None


@dataclass
class ScriptedOutcome:
    """How the next ``remaining`` started restores of a recovery point end (``None``: all)."""

    status: str
    status_message: str | None = None
    recovery_point_arn: str = "*"
    remaining: int | None = 1


@dataclass
class AuthorizationDetails:
    """IAM Access Troubleshooter's details of one denial, readable in one account and Region."""

    details: dict[str, Any]
    account: str | None = None
    region: str | None = None
    visible_at: float = 0.0  # epoch seconds: AWS's details can appear a little after the error


@dataclass
class TrailEvent:
    """One CloudTrail management event (``LookupEvents``), in one account and Region."""

    event: dict[str, Any]  # the CloudTrailEvent record (eventID, eventName, eventTime, ...)
    account: str | None = None
    region: str | None = None


@dataclass
class RestoreTiming:
    """How long a started restore stays PENDING, then RUNNING, before it ends."""

    pending_seconds: float = 0.5
    running_seconds: float = 1.0


def visible(owner_account: str | None, owner_region: str | None, account: str, region: str) -> bool:
    """Whether something seeded for (owner_account, owner_region) is seen by a caller there.

    ``None`` means "any": a job seeded without an account is visible from every account.
    """
    return owner_account in (None, account) and owner_region in (None, region)


class StandinState:
    """All of the stand-in's data, with a lock and optional persistence to a JSON file."""

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.path = path
        self.clock = clock
        self._empty()
        if path is not None and path.exists():
            self._load(json.loads(path.read_text()))

    def _empty(self) -> None:
        self.blobs: dict[str, Blob] = {}
        self.restore_jobs: dict[str, RestoreJob] = {}
        self.backup_jobs: dict[str, StoredJob] = {}
        self.copy_jobs: dict[str, StoredJob] = {}
        self.recovery_points: list[RecoveryPoint] = []
        self.outcomes: list[ScriptedOutcome] = []
        self.timing = RestoreTiming()
        self.authorizations: dict[str, AuthorizationDetails] = {}
        self.trail_events: list[TrailEvent] = []

    def clear(self) -> None:
        """Forget everything (and rewrite the state file, if any)."""
        with self.lock:
            self._empty()
            self.save()

    def save(self) -> None:
        """Write the state file (no-op without a path); call with the lock held after a change."""
        if self.path is None:
            return
        data = {
            "blobs": {k: asdict(v) for k, v in self.blobs.items()},
            "restore_jobs": [asdict(j) for j in self.restore_jobs.values()],
            "backup_jobs": {k: asdict(v) for k, v in self.backup_jobs.items()},
            "copy_jobs": {k: asdict(v) for k, v in self.copy_jobs.items()},
            "recovery_points": [asdict(p) for p in self.recovery_points],
            "outcomes": [asdict(o) for o in self.outcomes],
            "timing": asdict(self.timing),
            "authorizations": {k: asdict(v) for k, v in self.authorizations.items()},
            "trail_events": [asdict(e) for e in self.trail_events],
        }
        partial = self.path.with_suffix(self.path.suffix + ".tmp")
        partial.write_text(json.dumps(data, indent=1))
        os.replace(partial, self.path)

    def _load(self, data: dict[str, Any]) -> None:
        self.blobs = {k: Blob(**v) for k, v in data["blobs"].items()}
        self.restore_jobs = {j["job_id"]: RestoreJob(**j) for j in data["restore_jobs"]}
        self.backup_jobs = {k: StoredJob(**v) for k, v in data["backup_jobs"].items()}
        self.copy_jobs = {k: StoredJob(**v) for k, v in data["copy_jobs"].items()}
        self.recovery_points = [RecoveryPoint(**p) for p in data["recovery_points"]]
        self.outcomes = [ScriptedOutcome(**o) for o in data["outcomes"]]
        self.timing = RestoreTiming(**data["timing"])
        self.authorizations = {
            k: AuthorizationDetails(**v) for k, v in data.get("authorizations", {}).items()
        }
        self.trail_events = [TrailEvent(**e) for e in data.get("trail_events", [])]

    def take_outcome(self, recovery_point_arn: str) -> ScriptedOutcome | None:
        """The first scripted outcome for this recovery point, used up once (lock held)."""
        for outcome in self.outcomes:
            if outcome.recovery_point_arn in ("*", recovery_point_arn):
                if outcome.remaining is not None:
                    outcome.remaining -= 1
                    if outcome.remaining == 0:
                        self.outcomes.remove(outcome)
                return outcome
        return None

    def find_idempotent(self, account: str, region: str, token: str) -> RestoreJob | None:
        """The restore job an earlier ``StartRestoreJob`` with this token started, if any."""
        for job in self.restore_jobs.values():
            if job.idempotency_token == token and (job.account, job.region) == (account, region):
                return job
        return None
