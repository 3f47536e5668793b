"""AWS Backup writes used by workers: re-run a restore, then follow it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.errors import map_client_error
from bot.config import AccountConfig

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

#: restore job states after which nothing changes any more
FINAL_RESTORE_STATES = frozenset({"COMPLETED", "FAILED", "ABORTED"})


@dataclass(frozen=True)
class RestoreStatus:
    """Where a restore job stands (DescribeRestoreJob, reduced to what progress cards show)."""

    job_id: str
    status: str
    status_message: str | None = None
    percent_done: str | None = None
    created_resource_arn: str | None = None

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
    try:
        return backup_client.start_restore_job(**params)["RestoreJobId"]
    except (ClientError, BotoCoreError) as exc:
        what = f"start a restore of {recovery_point_arn}"
        raise map_client_error(
            exc, what=what, account=account, role_arn=_fix_role(account)
        ) from exc


def _fix_role(account: AccountConfig | None) -> str | None:
    return account.fix_role_arn if account else None


def describe_restore_status(
    backup_client: BackupClient, restore_job_id: str, *, account: AccountConfig | None = None
) -> RestoreStatus:
    """The restore job's status, message, progress and created resource."""
    try:
        job = backup_client.describe_restore_job(RestoreJobId=restore_job_id)
    except (ClientError, BotoCoreError) as exc:
        what = f"follow restore job {restore_job_id}"
        raise map_client_error(
            exc, what=what, account=account, role_arn=_fix_role(account)
        ) from exc
    return RestoreStatus(
        job_id=restore_job_id,
        status=job.get("Status", "UNKNOWN"),
        status_message=job.get("StatusMessage"),
        percent_done=job.get("PercentDone"),
        created_resource_arn=job.get("CreatedResourceArn"),
    )
