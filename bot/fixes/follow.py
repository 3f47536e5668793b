"""Following a restore job until it ends, with a bounded number of polls."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypedDict

from bot.fixes.errors import TransientFixError, aws_errors

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

logger = logging.getLogger(__name__)

#: restore job statuses after which nothing changes any more
FINAL_STATUSES: Final = frozenset({"COMPLETED", "ABORTED", "FAILED"})
#: seconds before the second poll; doubled after each poll up to MAX_DELAY
FIRST_DELAY: Final = 5.0
#: the longest pause between two polls, in seconds
MAX_DELAY: Final = 60.0


class RestoreStatus(TypedDict):
    """A restore job's state as the thread shows it."""

    restore_job_id: str
    status: str
    status_message: str | None
    percent_done: str | None
    created_resource_arn: str | None
    timed_out: bool  # the wait ended before the job did


def follow_restore(
    backup_client: BackupClient,
    restore_job_id: str,
    on_progress: Callable[[RestoreStatus], None],
    max_wait_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> RestoreStatus:
    """Poll DescribeRestoreJob until the job ends or ``max_wait_seconds`` of waiting passed.

    ``on_progress`` is called whenever the status or percentage changes. Pauses grow from
    FIRST_DELAY to MAX_DELAY. A transient AWS error skips one poll; a permanent one is raised.
    """
    waited, delay = 0.0, FIRST_DELAY
    last: RestoreStatus | None = None
    while True:
        current = _poll(backup_client, restore_job_id)
        if current is not None and _changed(last, current):
            on_progress(current)
        last = current or last
        if last is not None and last["status"] in FINAL_STATUSES:
            return last
        if waited >= max_wait_seconds:
            if last is None:
                raise TransientFixError(
                    "AWS did not answer about the restore job.", "Check the job in the console."
                )
            return {**last, "timed_out": True}
        pause = min(delay, max_wait_seconds - waited)
        sleep(pause)
        waited, delay = waited + pause, min(delay * 2, MAX_DELAY)


def _poll(backup: BackupClient, restore_job_id: str) -> RestoreStatus | None:
    try:
        with aws_errors("read the restore job's status"):
            job = backup.describe_restore_job(RestoreJobId=restore_job_id)
    except TransientFixError:
        logger.warning("could not read restore job %s; polling on", restore_job_id, exc_info=True)
        return None
    return {
        "restore_job_id": restore_job_id,
        "status": job.get("Status", "UNKNOWN"),
        "status_message": job.get("StatusMessage"),
        "percent_done": job.get("PercentDone"),
        "created_resource_arn": job.get("CreatedResourceArn"),
        "timed_out": False,
    }


def _changed(last: RestoreStatus | None, current: RestoreStatus) -> bool:
    if last is None:
        return True
    return (last["status"], last["percent_done"]) != (current["status"], current["percent_done"])
