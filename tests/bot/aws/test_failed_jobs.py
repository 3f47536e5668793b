"""From a pasted blob to its failed restore: ListRestoreJobs through Stubber (moto has none)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from bot.aws.backup_jobs import JobFinder
from bot.aws.failed_jobs import LOOKBACK, FailedJobMatcher
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from tests.bot.aws.conftest import PROD

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
BLOB = "AQoDYXdzE" + "k3Jx-_9" * 90
ROLE = "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"
RECOVERY_POINT = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
NOT_AUTHORIZED = (
    "You are not authorized to perform this operation. Please consult the permissions associated "
    "with your AWS Backup role(s), and refer to the AWS Backup documentation for more details."
)


@pytest.fixture
def backup(sessions: ReadSessions, stub: Callable[[Any], Stubber]) -> Callable[[str], Stubber]:
    stubbers: dict[str, Stubber] = {}

    def for_region(region: str) -> Stubber:
        if region not in stubbers:
            stubbers[region] = stub(sessions.client(PROD.id, "backup", region))
        return stubbers[region]

    return for_region


@pytest.fixture
def matcher(sessions: ReadSessions, accounts: list[AccountConfig]) -> Iterator[FailedJobMatcher]:
    with JobFinder(sessions, accounts, budget_seconds=5) as finder:
        failed = FailedJobMatcher(sessions, finder, budget_seconds=5)
        yield failed
        failed.close()


def listed(stubber: Stubber, jobs: list[dict[str, Any]]) -> None:
    """One page of recent failed restores: the only filter the search may use."""
    expected = {"ByStatus": "FAILED", "ByCreatedAfter": NOW - LOOKBACK, "MaxResults": ANY}
    stubber.add_response("list_restore_jobs", {"RestoreJobs": jobs}, expected)


def failed(job_id: str, message: str) -> dict[str, Any]:
    return {"RestoreJobId": job_id, "Status": "FAILED", "StatusMessage": message}


def described(stubber: Stubber, job_id: str) -> None:
    stubber.add_response(
        "describe_restore_job",
        {
            "RestoreJobId": job_id,
            "AccountId": PROD.id,
            "IamRoleArn": ROLE,
            "RecoveryPointArn": RECOVERY_POINT,
            "ResourceType": "EC2",
            "Status": "FAILED",
            "StatusMessage": f"{NOT_AUTHORIZED} Encoded authorization failure message: {BLOB}",
        },
        {"RestoreJobId": job_id},
    )
    stubber.add_response(
        "get_restore_job_metadata",
        {"RestoreJobId": job_id, "Metadata": {"IamInstanceProfileName": "app-profile"}},
        {"RestoreJobId": job_id},
    )


def test_the_job_whose_status_message_holds_the_blob_is_found_and_read(
    matcher: FailedJobMatcher, backup: Callable[[str], Stubber]
) -> None:
    east = backup("us-east-1")
    listed(
        east, [failed("OTHER", f"{NOT_AUTHORIZED} message: AQoDother"), failed("J1", f"x {BLOB}")]
    )
    described(east, "J1")

    # one Region: a search still running elsewhere once this one found the job would outlive
    # the test (a found job ends the wait; a running search is not interrupted)
    job = matcher.find(BLOB, PROD.model_copy(update={"regions": ["us-east-1"]}), now=NOW)

    assert job is not None
    assert (job.job_id, job.region, job.iam_role_arn) == ("J1", "us-east-1", ROLE)
    assert job.restore_metadata == {"IamInstanceProfileName": "app-profile"}


def test_no_failed_job_with_the_blob_is_an_answer_not_an_error(
    matcher: FailedJobMatcher, backup: Callable[[str], Stubber]
) -> None:
    listed(backup("us-east-1"), [failed("OTHER", "something else")])
    listed(backup("eu-west-1"), [])

    assert matcher.find(BLOB, PROD, now=NOW) is None


def test_a_read_role_that_may_not_list_jobs_finds_nothing_and_says_so_in_the_log(
    matcher: FailedJobMatcher, backup: Callable[[str], Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.failed_jobs")
    for region in PROD.regions:
        backup(region).add_client_error("list_restore_jobs", "AccessDeniedException", "no", 403)

    assert matcher.find(BLOB, PROD, now=NOW) is None
    assert "AccessDeniedException" in caplog.text


def test_with_no_restore_carrying_it_the_failed_backup_and_copy_jobs_are_searched(
    matcher: FailedJobMatcher, backup: Callable[[str], Stubber]
) -> None:
    east = backup("us-east-1")
    listed(east, [failed("OTHER", "something else")])
    after = {"ByState": "FAILED", "ByCreatedAfter": NOW - LOOKBACK, "MaxResults": ANY}
    east.add_response("list_backup_jobs", {"BackupJobs": []}, after)
    copy = {"CopyJobId": "C1", "State": "FAILED", "StatusMessage": f"{NOT_AUTHORIZED} {BLOB}"}
    east.add_response("list_copy_jobs", {"CopyJobs": [copy]}, after)
    east.add_response(
        "describe_copy_job",
        {"CopyJob": {**copy, "AccountId": PROD.id, "IamRoleArn": ROLE}},
        {"CopyJobId": "C1"},
    )

    job = matcher.find(
        BLOB,
        PROD.model_copy(update={"regions": ["us-east-1"]}),
        now=NOW,
        kinds=("restore", "backup", "copy"),
    )

    assert job is not None
    assert (job.job_id, job.job_type, job.iam_role_arn) == ("C1", "copy", ROLE)


def test_a_cut_message_matches_the_job_whose_message_starts_with_it(
    matcher: FailedJobMatcher, backup: Callable[[str], Stubber]
) -> None:
    east = backup("us-east-1")
    listed(east, [failed("J1", f"{NOT_AUTHORIZED} Encoded authorization failure message: {BLOB}")])
    described(east, "J1")

    job = matcher.find(BLOB[:90], PROD.model_copy(update={"regions": ["us-east-1"]}), now=NOW)

    assert job is not None
    assert job.job_id == "J1"
