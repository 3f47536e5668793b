"""From a pasted message to the failed job it came from, so the card can offer the job's fixes.

People paste AWS Backup's error text from the console, not the job ID. A failed job's
``StatusMessage`` carries the very encoded message they pasted, so ``ListRestoreJobs``
(``ByStatus=FAILED``), then ``ListBackupJobs`` and ``ListCopyJobs`` (``ByState=FAILED``), recent
ones, in the account's Regions in parallel and within the answer's budget, find the job whose
message holds the same blob (or starts with a cut one). Finding nothing is an answer, never a
failure: the card is complete without the job, only the re-run needs it.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.backup_jobs import JobFinder
from bot.aws.error_mapping import error_code
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import BackupDoctorError
from bot.models import Job, JobRef, JobType

logger = logging.getLogger(__name__)

#: how far back a failed restore is looked for (a pasted error is nearly always recent)
LOOKBACK: Final = timedelta(days=3)
#: pages of each List*Jobs read per Region at most (1,000 jobs each)
MAX_PAGES: Final = 3
#: the kinds searched, in order (restores first: the re-run the card offers needs one), with
#: their list operation, its failed-state filter, the list key and the id key
LISTINGS: Final[dict[JobType, tuple[str, dict[str, str], str, str]]] = {
    "restore": ("list_restore_jobs", {"ByStatus": "FAILED"}, "RestoreJobs", "RestoreJobId"),
    "backup": ("list_backup_jobs", {"ByState": "FAILED"}, "BackupJobs", "BackupJobId"),
    "copy": ("list_copy_jobs", {"ByState": "FAILED"}, "CopyJobs", "CopyJobId"),
}


class FailedJobMatcher:
    """Finds the failed job whose status message carries a given encoded message."""

    def __init__(
        self, sessions: ReadSessions, finder: JobFinder, budget_seconds: float, max_workers: int = 8
    ) -> None:
        self._sessions = sessions
        self._finder = finder
        self._budget = budget_seconds
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="backup-doctor-match")

    def close(self) -> None:
        """Stop the thread pool (waits for searches already running)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def find(
        self,
        blob: str,
        account: AccountConfig,
        now: datetime | None = None,
        kinds: tuple[JobType, ...] = ("restore",),
    ) -> Job | None:
        """The failed job of ``kinds`` in ``account`` whose StatusMessage holds ``blob``, or None.

        Within a Region the kinds are listed in the order given, the first match ending it.
        """
        since = (now or datetime.now(UTC)) - LOOKBACK
        futures = {
            self._executor.submit(self._match_in, account, region, blob, since, kinds)
            for region in account.regions
        }
        deadline = time.monotonic() + self._budget
        pending: set[Future[tuple[str, JobType, str] | None]] = futures
        found: tuple[str, JobType, str] | None = None
        try:
            while pending and found is None and (left := deadline - time.monotonic()) > 0:
                done, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                results = [future.result() for future in done]
                found = next((result for result in results if result is not None), None)
        finally:
            for future in pending:
                future.cancel()
        if found is None:
            return None
        region, kind, job_id = found
        try:
            return self._finder.describe(account, region, JobRef(job_id=job_id, job_type=kind))
        except BackupDoctorError as error:
            logger.info("matched %s job %s but could not read it: %s", kind, job_id, error)
            return None

    def _match_in(
        self,
        account: AccountConfig,
        region: str,
        blob: str,
        since: datetime,
        kinds: tuple[JobType, ...],
    ) -> tuple[str, JobType, str] | None:
        for kind in kinds:
            job_id = self._match_kind(account, region, blob, since, kind)
            if job_id is not None:
                return region, kind, job_id
        return None

    def _match_kind(
        self, account: AccountConfig, region: str, blob: str, since: datetime, kind: JobType
    ) -> str | None:
        operation, failed, key, id_key = LISTINGS[kind]
        try:
            client: Any = self._sessions.client(account.id, "backup", region)
            pages = client.get_paginator(operation).paginate(
                **failed,
                ByCreatedAfter=since,
                PaginationConfig={"MaxItems": MAX_PAGES * 1000, "PageSize": 1000},
            )
            for page in pages:
                for job in page.get(key, []):
                    if blob in (job.get("StatusMessage") or ""):
                        return str(job[id_key])
        except (ClientError, BotoCoreError, BackupDoctorError) as exc:
            code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
            where = f"{account.id} {region}"
            logger.info("could not list failed %s jobs in %s: %s", kind, where, code)
        return None
