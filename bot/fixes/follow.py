"""Following a restore job until it ends, with a bounded number of polls."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from bot.aws.backup import RestoreStatus, describe_restore_status
from bot.config import AccountConfig
from bot.errors import AwsUnavailable, BackupDoctorError

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

logger = logging.getLogger(__name__)

#: seconds before the second poll; doubled after each poll up to MAX_DELAY
FIRST_DELAY: Final = 5.0
#: the longest pause between two polls, in seconds
MAX_DELAY: Final = 60.0


def follow_restore(
    backup_client: BackupClient,
    restore_job_id: str,
    on_progress: Callable[[RestoreStatus], None],
    max_wait_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    account: AccountConfig | None = None,
) -> RestoreStatus:
    """Poll DescribeRestoreJob until the job ends or ``max_wait_seconds`` of waiting passed.

    ``on_progress`` is called whenever the status or percentage changes. Pauses grow from
    FIRST_DELAY to MAX_DELAY. A transient AWS error skips one poll; a permanent one is raised.
    """
    waited, delay = 0.0, FIRST_DELAY
    last: RestoreStatus | None = None
    while True:
        current = _poll(backup_client, restore_job_id, account)
        if current is not None and _changed(last, current):
            on_progress(current)
        last = current or last
        if last is not None and last.finished:
            return last
        if waited >= max_wait_seconds:
            if last is None:
                raise AwsUnavailable(
                    "AWS did not answer about the restore job.", "Check the job in the console."
                )
            return dataclasses.replace(last, timed_out=True)
        pause = min(delay, max_wait_seconds - waited)
        sleep(pause)
        waited, delay = waited + pause, min(delay * 2, MAX_DELAY)


def _poll(
    backup: BackupClient, restore_job_id: str, account: AccountConfig | None
) -> RestoreStatus | None:
    try:
        return describe_restore_status(backup, restore_job_id, account=account)
    except BackupDoctorError as error:
        if not error.transient:
            raise
        logger.warning("could not read restore job %s; polling on", restore_job_id, exc_info=True)
        return None


def _changed(last: RestoreStatus | None, current: RestoreStatus) -> bool:
    if last is None:
        return True
    return (last.status, last.percent_done) != (current.status, current.percent_done)
