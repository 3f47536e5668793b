"""Find AWS Backup jobs by id: Describe*Job in one place, or across every account and region."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.backup_job_records import DESCRIBE_ORDER, describe_job
from bot.aws.error_mapping import ACCESS_DENIED_CODES, error_code, map_client_error
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import AccountUnknown, AwsUnavailable, BackupDoctorError, JobNotFound
from bot.models import Job, JobRef, JobType

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

Place = tuple[AccountConfig, str]


class JobFinder:
    """Looks a job id up in the configured accounts and regions, in parallel, within a budget.

    The finder owns a thread pool reused by every search; ``close()`` it when the app stops.
    """

    def __init__(
        self,
        sessions: ReadSessions,
        accounts: list[AccountConfig],
        budget_seconds: float,
        max_workers: int = 16,
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._budget = budget_seconds
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="backup-doctor-jobs")

    def close(self) -> None:
        """Stop the thread pool (waits for lookups already running)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> JobFinder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def describe(self, account: AccountConfig, region: str, ref: JobRef) -> Job:
        """The job in this account and region (restores with their GetRestoreJobMetadata).

        Tries DescribeRestoreJob, DescribeBackupJob, DescribeCopyJob in turn when the ref does
        not say which kind of job it is. Raises ``JobNotFound`` when none knows the id, and the
        mapped AWS error (``BotAccessDenied``, ``AwsThrottled``...) when AWS could not answer.
        """
        types = [ref.job_type] if ref.job_type else list(DESCRIBE_ORDER)
        try:
            client = self._sessions.client(account.id, "backup", region)
            job = _describe_first(client, types, ref.job_id, account.id, region)
        except (ClientError, BotoCoreError) as exc:
            what = f"look up job {ref.job_id} in {region}"
            raise map_client_error(exc, what=what, account=account) from exc
        if job is None:
            raise JobNotFound(
                f"Job {ref.job_id} not found in {account.name} ({region}).",
                "Check the job id and the account and region it ran in.",
            )
        return job

    def find(self, ref: JobRef, channel_default: str | None = None) -> Job:
        """The job ``ref`` names: where the ref says, else searched everywhere in parallel.

        The channel's default account is searched first; the first place that knows the job
        wins. ``JobNotFound`` lists where it looked; when every place failed (denied, throttled,
        no answer within the budget) the AWS error is raised instead. ``AccountUnknown`` when
        the ref names an account that is not configured.
        """
        return self._search(ref, self._places(ref, channel_default))

    def _places(self, ref: JobRef, channel_default: str | None) -> list[Place]:
        if ref.account_id:
            accounts = [a for a in self._accounts if a.id == ref.account_id]
            if not accounts:
                raise AccountUnknown(
                    f"Job {ref.job_id} is in account {ref.account_id}, which is not configured.",
                    "Add the account to the bot's configuration to look into it.",
                )
        else:
            accounts = sorted(self._accounts, key=lambda a: a.id != channel_default)
        return [(a, r) for a in accounts for r in ([ref.region] if ref.region else a.regions)]

    def _search(self, ref: JobRef, places: list[Place]) -> Job:
        futures = {
            self._executor.submit(self.describe, a, r, ref): i for i, (a, r) in enumerate(places)
        }
        outcomes: dict[int, BackupDoctorError] = {}  # by index in places
        deadline = time.monotonic() + self._budget
        pending: set[Future[Job]] = set(futures)
        try:
            while pending and (left := deadline - time.monotonic()) > 0:
                done, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        return future.result()
                    except BackupDoctorError as error:
                        outcomes[futures[future]] = error
        finally:
            for future in pending:
                future.cancel()
        raise _search_failed(ref, places, outcomes, self._budget)


def _describe_first(
    client: BackupClient, types: list[JobType], job_id: str, account_id: str, region: str
) -> Job | None:
    """The first kind of job that knows the id; a denied kind is skipped while others remain."""
    denied: ClientError | None = None
    for job_type in types:
        try:
            job = describe_job(client, job_type, job_id, account_id, region)
        except ClientError as exc:
            if error_code(exc) not in ACCESS_DENIED_CODES:
                raise
            denied = denied or exc
            continue
        if job is not None:
            return job
    if denied is not None:
        raise denied
    return None


def _search_failed(
    ref: JobRef, places: list[Place], outcomes: dict[int, BackupDoctorError], budget: float
) -> BackupDoctorError:
    missing = [p for i, p in enumerate(places) if isinstance(outcomes.get(i), JobNotFound)]
    failed = [
        (p, error)
        for i, p in enumerate(places)
        if (error := outcomes.get(i)) is not None and not isinstance(error, JobNotFound)
    ]
    silent = [p for i, p in enumerate(places) if i not in outcomes]
    if not missing and failed:
        return failed[0][1]
    if not missing:
        return AwsUnavailable(
            f"AWS did not answer within {budget:g}s while looking for job {ref.job_id} "
            f"in {_where(silent)}.",
            "Try again; name the account and region (account=..., region=...) to narrow it.",
        )
    notes = [f"could not look in {_where([p])}: {e.user_message}" for p, e in failed]
    if silent:
        notes.append(f"no answer within {budget:g}s from {_where(silent)}")
    extra = f" ({'; '.join(notes)})" if notes else ""
    return JobNotFound(
        f"Job {ref.job_id} not found in {_where(missing)}.{extra}",
        "Check the job id; add account=<id> region=<region> if it ran elsewhere.",
    )


def _where(places: list[Place]) -> str:
    """``prod (us-east-1, eu-west-1) or dev (us-east-1)``."""
    regions: dict[str, list[str]] = {}
    for account, region in places:
        regions.setdefault(account.name, []).append(region)
    parts = [f"{name} ({', '.join(names)})" for name, names in regions.items()]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"
