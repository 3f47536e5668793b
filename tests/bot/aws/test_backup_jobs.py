"""Job lookup: Describe*Job through Stubber on moto-assumed sessions, searched in parallel."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.aws.backup_jobs import JobFinder
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import AccountUnknown, AwsUnavailable, BotAccessDenied, JobNotFound
from bot.models import JobRef
from tests.bot.aws.conftest import DEV, PROD, TEST

JOB_ID = "1a2b3c4d-lower-case-id"
CREATED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
RESTORE_ROLE = "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"
RECOVERY_POINT = "arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0"
DR_VAULT = "arn:aws:backup:us-east-1:222222222222:backup-vault:dr"
EVERYWHERE = [(a, r) for a in (PROD, DEV, TEST) for r in a.regions]

StubFor = Callable[[AccountConfig, str], Stubber]


@pytest.fixture
def backup(sessions: ReadSessions, stub: Callable[[Any], Stubber]) -> StubFor:
    """``backup(account, region)``: the Stubber on that read Backup client."""
    stubbers: dict[tuple[str, str], Stubber] = {}

    def for_place(account: AccountConfig, region: str) -> Stubber:
        key = (account.id, region)
        if key not in stubbers:
            stubbers[key] = stub(sessions.client(account.id, "backup", region))
        return stubbers[key]

    return for_place


@pytest.fixture
def finder(
    sessions: ReadSessions, accounts: list[AccountConfig], backup: StubFor
) -> Iterator[JobFinder]:
    """A finder with a worker per place, closed (lookups finished) before stubs are checked."""
    with JobFinder(sessions, accounts, budget_seconds=5, max_workers=6) as job_finder:
        yield job_finder


def restore_found(stubber: Stubber, metadata: dict[str, str] | None = None) -> None:
    stubber.add_response(
        "describe_restore_job",
        {
            "RestoreJobId": JOB_ID,
            "AccountId": DEV.id,
            "IamRoleArn": RESTORE_ROLE,
            "RecoveryPointArn": RECOVERY_POINT,
            "ResourceType": "EC2",
            "Status": "FAILED",
            "StatusMessage": "You are not authorized to perform this operation.",
            "CreationDate": CREATED,
        },
        {"RestoreJobId": JOB_ID},
    )
    if metadata is not None:
        stubber.add_response(
            "get_restore_job_metadata",
            {"RestoreJobId": JOB_ID, "Metadata": metadata},
            {"RestoreJobId": JOB_ID},
        )


def fails(stubber: Stubber, operation: str, code: str = "ResourceNotFoundException") -> None:
    stubber.add_client_error(operation, code, f"{code} for {JOB_ID}")


def slow(stubber: Stubber, seconds: float) -> None:
    """Delay DescribeRestoreJob on the stubbed client, as a slow region would."""
    stubber.client.meta.events.register(
        "before-parameter-build.backup.DescribeRestoreJob", lambda **_: time.sleep(seconds)
    )


def test_describe_restore_job_with_its_metadata(finder: JobFinder, backup: StubFor) -> None:
    restore_found(backup(DEV, "eu-west-1"), metadata={"IamInstanceProfileName": "app-profile"})

    job = finder.describe(DEV, "eu-west-1", JobRef(job_id=JOB_ID, job_type="restore"))

    assert job.model_dump(exclude_none=True) == {
        "job_id": JOB_ID,
        "job_type": "restore",
        "account_id": DEV.id,
        "region": "eu-west-1",
        "status": "FAILED",
        "status_message": "You are not authorized to perform this operation.",
        "iam_role_arn": RESTORE_ROLE,
        "recovery_point_arn": RECOVERY_POINT,
        "resource_type": "EC2",
        "creation_date": CREATED,
        "restore_metadata": {"IamInstanceProfileName": "app-profile"},
    }


def test_restore_metadata_denied_leaves_it_empty(finder: JobFinder, backup: StubFor) -> None:
    stubber = backup(DEV, "us-east-1")
    restore_found(stubber)
    fails(stubber, "get_restore_job_metadata", "AccessDeniedException")

    job = finder.describe(DEV, "us-east-1", JobRef(job_id=JOB_ID))

    assert job.job_type == "restore"
    assert job.restore_metadata == {}


def test_unknown_kind_tries_restore_then_backup(finder: JobFinder, backup: StubFor) -> None:
    stubber = backup(PROD, "us-east-1")
    fails(stubber, "describe_restore_job")
    stubber.add_response(
        "describe_backup_job",
        {
            "BackupJobId": JOB_ID,
            "State": "FAILED",
            "StatusMessage": "AWS Backup does not have permission to describe resource",
            "ResourceArn": "arn:aws:s3:::bucket",
            "ResourceType": "S3",
            "IamRoleArn": RESTORE_ROLE,
            "BackupVaultName": "Default",
            "RecoveryPointArn": "arn:aws:backup:us-east-1:111111111111:recovery-point:rp-1",
        },
        {"BackupJobId": JOB_ID},
    )

    job = finder.describe(PROD, "us-east-1", JobRef(job_id=JOB_ID))

    assert (job.job_type, job.status, job.resource_arn) == (
        "backup",
        "FAILED",
        "arn:aws:s3:::bucket",
    )
    assert (job.backup_vault_name, job.account_id) == ("Default", PROD.id)


def test_copy_job_fields(finder: JobFinder, backup: StubFor) -> None:
    backup(PROD, "eu-west-1").add_response(
        "describe_copy_job",
        {
            "CopyJob": {
                "CopyJobId": JOB_ID,
                "SourceBackupVaultArn": "arn:aws:backup:eu-west-1:111111111111:backup-vault:main",
                "SourceRecoveryPointArn": "arn:aws:backup:eu-west-1:111111111111:recovery-point:1",
                "DestinationBackupVaultArn": DR_VAULT,
                "State": "FAILED",
                "StatusMessage": "Access Denied trying to call AWS Backup service",
            }
        },
        {"CopyJobId": JOB_ID},
    )

    job = finder.describe(PROD, "eu-west-1", JobRef(job_id=JOB_ID, job_type="copy"))

    assert job.recovery_point_arn == "arn:aws:backup:eu-west-1:111111111111:recovery-point:1"
    assert job.destination_vault_arn == DR_VAULT
    assert job.backup_vault_name == "main"


def test_a_kind_the_bot_may_not_describe_does_not_hide_the_others(
    finder: JobFinder, backup: StubFor
) -> None:
    stubber = backup(PROD, "us-east-1")
    fails(stubber, "describe_restore_job", "AccessDeniedException")
    fails(stubber, "describe_backup_job")
    stubber.add_response("describe_copy_job", {"CopyJob": {"CopyJobId": JOB_ID}}, None)

    assert finder.describe(PROD, "us-east-1", JobRef(job_id=JOB_ID)).job_type == "copy"


def test_denied_and_not_found_elsewhere_is_a_denial(finder: JobFinder, backup: StubFor) -> None:
    stubber = backup(PROD, "us-east-1")
    fails(stubber, "describe_restore_job", "AccessDeniedException")
    fails(stubber, "describe_backup_job")
    fails(stubber, "describe_copy_job")

    with pytest.raises(BotAccessDenied, match="backup:DescribeRestoreJob"):
        finder.describe(PROD, "us-east-1", JobRef(job_id=JOB_ID))


def test_ref_with_account_and_region_looks_only_there(finder: JobFinder, backup: StubFor) -> None:
    restore_found(backup(DEV, "eu-west-1"), metadata={})

    ref = JobRef(job_id=JOB_ID, job_type="restore", account_id=DEV.id, region="eu-west-1")
    job = finder.find(ref)

    assert (job.account_id, job.region) == (DEV.id, "eu-west-1")


def test_parallel_search_finds_the_job_wherever_it_is(finder: JobFinder, backup: StubFor) -> None:
    for account, region in EVERYWHERE:
        if (account, region) == (DEV, "eu-west-1"):
            restore_found(backup(account, region), metadata={})
            slow(backup(account, region), 0.4)  # the others all answer first
        else:
            fails(backup(account, region), "describe_restore_job")
            slow(backup(account, region), 0.3)

    started = time.monotonic()
    job = finder.find(JobRef(job_id=JOB_ID, job_type="restore"))

    assert (job.account_id, job.region) == (DEV.id, "eu-west-1")
    assert time.monotonic() - started < 1.2  # one after another would take 1.9 s


def test_not_found_anywhere_says_where_it_looked(finder: JobFinder, backup: StubFor) -> None:
    for account, region in EVERYWHERE:
        fails(backup(account, region), "describe_restore_job")

    with pytest.raises(JobNotFound) as caught:
        finder.find(JobRef(job_id=JOB_ID, job_type="restore"), channel_default=DEV.id)

    assert caught.value.user_message == (
        f"Job {JOB_ID} not found in dev (us-east-1, eu-west-1), prod (us-east-1, eu-west-1) "
        "or test (us-east-1, eu-west-1)."
    )


def test_an_account_without_a_region_searches_its_regions(
    finder: JobFinder, backup: StubFor
) -> None:
    fails(backup(TEST, "us-east-1"), "describe_restore_job")
    fails(backup(TEST, "eu-west-1"), "describe_restore_job")

    with pytest.raises(JobNotFound, match=r"not found in test \(us-east-1, eu-west-1\)\.$"):
        finder.find(JobRef(job_id=JOB_ID, job_type="restore", account_id=TEST.id))


def test_only_errors_raise_the_error_not_not_found(finder: JobFinder, backup: StubFor) -> None:
    for account, region in EVERYWHERE:
        fails(backup(account, region), "describe_restore_job", "AccessDeniedException")

    with pytest.raises(BotAccessDenied, match="backup:DescribeRestoreJob"):
        finder.find(JobRef(job_id=JOB_ID, job_type="restore"))


def test_places_it_could_not_search_are_named(finder: JobFinder, backup: StubFor) -> None:
    for account, region in EVERYWHERE:
        code = "ThrottlingException" if account == TEST else "ResourceNotFoundException"
        fails(backup(account, region), "describe_restore_job", code)

    with pytest.raises(JobNotFound) as caught:
        finder.find(JobRef(job_id=JOB_ID, job_type="restore"))

    message = caught.value.user_message
    assert "not found in prod (us-east-1, eu-west-1) or dev (us-east-1, eu-west-1)" in message
    assert "could not look in test (us-east-1): AWS is throttling" in message


def test_search_stops_at_the_budget(
    sessions: ReadSessions, accounts: list[AccountConfig], backup: StubFor
) -> None:
    for account, region in EVERYWHERE:
        fails(backup(account, region), "describe_restore_job")
    slow(backup(TEST, "eu-west-1"), 0.6)

    with JobFinder(sessions, accounts, budget_seconds=0.2, max_workers=6) as job_finder:
        started = time.monotonic()
        with pytest.raises(JobNotFound, match=r"no answer within 0\.2s from test \(eu-west-1\)"):
            job_finder.find(JobRef(job_id=JOB_ID, job_type="restore"))
        assert time.monotonic() - started < 0.5


def test_no_answer_at_all_is_unavailable(
    sessions: ReadSessions, accounts: list[AccountConfig], backup: StubFor
) -> None:
    fails(backup(PROD, "us-east-1"), "describe_restore_job")
    fails(backup(PROD, "eu-west-1"), "describe_restore_job")
    slow(backup(PROD, "us-east-1"), 0.4)
    slow(backup(PROD, "eu-west-1"), 0.4)

    with JobFinder(sessions, accounts, budget_seconds=0.1) as job_finder:
        ref = JobRef(job_id=JOB_ID, job_type="restore", account_id=PROD.id)
        with pytest.raises(AwsUnavailable, match=r"did not answer within 0\.1s"):
            job_finder.find(ref)


def test_unconfigured_account_is_refused(finder: JobFinder) -> None:
    with pytest.raises(AccountUnknown, match="999999999999"):
        finder.find(JobRef(job_id=JOB_ID, account_id="999999999999"))
