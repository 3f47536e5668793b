"""What applying a fix did, for the worker to record and post."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.models import FixId


class FixOutcome(BaseModel):
    """The result of one ``apply``: what changed in AWS, and the restore it started."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fix: FixId
    summary: str  # one plain sentence: what was done
    policy_put: bool = False  # the inline policy was written now (False: it was already there)
    policy_removed: bool = False  # the inline policy was deleted now (False: it was already gone)
    restore_job_id: str | None = None
    idempotency_token: str | None = None  # the StartRestoreJob token (same on every retry)
