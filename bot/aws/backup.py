"""AWS Backup writes used by workers: re-run a restore, then read where it stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bot.aws.error_mapping import aws_errors
from bot.config import AccountConfig

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

#: restore job states after which nothing changes any more
FINAL_RESTORE_STATES: Final = frozenset({"COMPLETED", "FAILED", "ABORTED"})


@dataclass(frozen=True)
class RestoreStatus:
    """Where a restore job stands (DescribeRestoreJob, reduced to what progress cards show)."""

    job_id: str
    status: str
    status_message: str | None = None
    percent_done: str | None = None
    created_resource_arn: str | None = None
    #: the wait for it ended before the job did
    timed_out: bool = False

    @property
    def finished(self) -> bool:
        """True once the job completed, failed or was aborted."""
        return self.status in FINAL_RESTORE_STATES


def start_restore_job(
    backup_client: BackupClient,
    recovery_point_arn: str,
    iam_role_arn: str | None,
    metadata: Mapping[str, str],
    resource_type: str | None,
    idempotency_token: str,
    *,
    account: AccountConfig | None = None,
) -> str:
    """StartRestoreJob; returns the restore job id.

    ``idempotency_token`` is derived from the request id, so a retried worker gets the same job
    back instead of a second restore (AWS keeps tokens for about an hour).
    """
    params: dict[str, Any] = {
        "RecoveryPointArn": recovery_point_arn,
        "Metadata": dict(metadata),
        "IdempotencyToken": idempotency_token,
    }
    if iam_role_arn:
        params["IamRoleArn"] = iam_role_arn
    if resource_type:
        params["ResourceType"] = resource_type
    with aws_errors(
        "start the restore job", account=account, role_arn=account.fix_role_arn if account else None
    ):
        return backup_client.start_restore_job(**params)["RestoreJobId"]


def describe_restore_status(
    backup_client: BackupClient, restore_job_id: str, *, account: AccountConfig | None = None
) -> RestoreStatus:
    """The restore job's status, message, progress and created resource."""
    with aws_errors(
        f"read the status of restore job {restore_job_id}",
        account=account,
        role_arn=account.fix_role_arn if account else None,
    ):
        job = backup_client.describe_restore_job(RestoreJobId=restore_job_id)
    return RestoreStatus(
        job_id=restore_job_id,
        status=job.get("Status", "UNKNOWN"),
        status_message=job.get("StatusMessage"),
        percent_done=job.get("PercentDone"),
        created_resource_arn=job.get("CreatedResourceArn"),
    )
