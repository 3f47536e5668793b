"""Rule: Backup could not describe the resource: name the managed policy the role needs."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import backup_service_policy
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.messages import RESTORE_ROLE

TEXT = (
    "Access denied\nYour {kind} job failed as AWS Backup does not have permission to describe "
    "resource {arn}. Please review your IAM policies to ensure AWS Backup can protect your "
    "resources."
)


@pytest.mark.parametrize(
    ("kind", "arn", "policy"),
    [
        ("backup", "arn:aws:s3:::my-bucket", "AWSBackupServiceRolePolicyForS3Backup"),
        ("restore", "arn:aws:s3:::my-bucket", "AWSBackupServiceRolePolicyForS3Restore"),
        (
            "backup",
            "arn:aws:dynamodb:eu-west-1:111122223333:table/t",
            "AWSBackupServiceRolePolicyForBackup",
        ),
    ],
)
def test_managed_policy_by_resource_and_job(
    make_ctx: RuleContextFactory, kind: str, arn: str, policy: str
) -> None:
    (hit,) = backup_service_policy.check(make_ctx(status_text=TEXT.format(kind=kind, arn=arn)))
    assert hit.code == "BACKUP_ROLE_MISSING_SERVICE_POLICY"
    assert (hit.details["resource"], hit.details["managed_policy"]) == (arn, policy)


def test_restore_job_and_its_role(make_ctx: RuleContextFactory, restore_job: Job) -> None:
    text = TEXT.format(kind="backup", arn="arn:aws:s3:::b")  # the job type wins over the wording
    (hit,) = backup_service_policy.check(make_ctx(job=restore_job, status_text=text))
    assert hit.details["managed_policy"] == "AWSBackupServiceRolePolicyForS3Restore"
    assert hit.remedies["ATTACH_BACKUP_SERVICE_POLICY"].attach_to == RESTORE_ROLE


def test_silent_for_other_texts(make_ctx: RuleContextFactory) -> None:
    assert backup_service_policy.check(make_ctx(status_text="Access Denied")) == []
