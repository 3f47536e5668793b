"""One Describe*Job call per job kind, and its response turned into ``bot.models.Job``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bot.aws.error_mapping import ACCESS_DENIED_CODES, error_code, is_not_found
from bot.models import Job, JobType

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient

logger = logging.getLogger(__name__)

#: the order kinds are tried in when the user's text does not say: restores fail most often
DESCRIBE_ORDER: tuple[JobType, ...] = ("restore", "backup", "copy")


def describe_job(
    client: BackupClient, job_type: JobType, job_id: str, account_id: str, region: str
) -> Job | None:
    """The job of this kind with this id, or ``None`` when AWS has no such job here.

    Other ``ClientError``s propagate for the caller to map.
    """
    try:
        if job_type == "restore":
            restore = client.describe_restore_job(RestoreJobId=job_id)
            job = restore_job(restore, account_id, region)
            return job.model_copy(update={"restore_metadata": restore_metadata(client, job_id)})
        if job_type == "backup":
            return backup_job(client.describe_backup_job(BackupJobId=job_id), account_id, region)
        return copy_job(client.describe_copy_job(CopyJobId=job_id)["CopyJob"], account_id, region)
    except ClientError as exc:
        if is_not_found(exc):
            return None
        raise


def restore_metadata(client: BackupClient, job_id: str) -> dict[str, str]:
    """GetRestoreJobMetadata; empty when the bot may not read it (the job is still useful)."""
    try:
        return dict(client.get_restore_job_metadata(RestoreJobId=job_id).get("Metadata", {}))
    except ClientError as exc:
        level = logging.INFO if error_code(exc) in ACCESS_DENIED_CODES else logging.WARNING
        logger.log(level, "No restore metadata for job %s: %s", job_id, error_code(exc))
        return {}


def restore_job(response: Mapping[str, Any], account_id: str, region: str) -> Job:
    """A DescribeRestoreJob response as a ``Job``."""
    return Job(
        job_id=response["RestoreJobId"],
        job_type="restore",
        account_id=response.get("AccountId") or account_id,
        region=region,
        status=response.get("Status"),
        status_message=response.get("StatusMessage"),
        iam_role_arn=response.get("IamRoleArn"),
        recovery_point_arn=response.get("RecoveryPointArn"),
        resource_type=response.get("ResourceType"),
        created_resource_arn=response.get("CreatedResourceArn"),
        creation_date=response.get("CreationDate"),
        completion_date=response.get("CompletionDate"),
    )


def backup_job(response: Mapping[str, Any], account_id: str, region: str) -> Job:
    """A DescribeBackupJob response as a ``Job``."""
    return Job(
        job_id=response["BackupJobId"],
        job_type="backup",
        account_id=response.get("AccountId") or account_id,
        region=region,
        status=response.get("State"),
        status_message=response.get("StatusMessage"),
        iam_role_arn=response.get("IamRoleArn"),
        recovery_point_arn=response.get("RecoveryPointArn"),
        resource_type=response.get("ResourceType"),
        resource_arn=response.get("ResourceArn"),
        backup_vault_name=response.get("BackupVaultName"),
        creation_date=response.get("CreationDate"),
        completion_date=response.get("CompletionDate"),
    )


def copy_job(copy: Mapping[str, Any], account_id: str, region: str) -> Job:
    """The ``CopyJob`` of a DescribeCopyJob response as a ``Job`` (source vault as vault name)."""
    source_vault = copy.get("SourceBackupVaultArn")
    return Job(
        job_id=copy["CopyJobId"],
        job_type="copy",
        account_id=copy.get("AccountId") or account_id,
        region=region,
        status=copy.get("State"),
        status_message=copy.get("StatusMessage"),
        iam_role_arn=copy.get("IamRoleArn"),
        recovery_point_arn=copy.get("SourceRecoveryPointArn"),
        resource_type=copy.get("ResourceType"),
        resource_arn=copy.get("ResourceArn"),
        backup_vault_name=source_vault.rsplit(":", 1)[-1] if source_vault else None,
        destination_vault_arn=copy.get("DestinationBackupVaultArn"),
        creation_date=copy.get("CreationDate"),
        completion_date=copy.get("CompletionDate"),
    )
