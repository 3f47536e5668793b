"""Following a restore job: progress posted on change, polls spaced out and bounded."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from bot.aws.backup import RestoreStatus
from bot.errors import BackupDoctorError
from bot.fixes import follow_restore
from bot.fixes.follow import MAX_DELAY

JOB = "restore-1"


def respond(stub: Stubber, status: str, percent: str | None = None, **more: Any) -> None:
    response: dict[str, Any] = {"RestoreJobId": JOB, "Status": status, **more}
    if percent is not None:
        response["PercentDone"] = percent
    stub.add_response("describe_restore_job", response, {"RestoreJobId": JOB})


def test_progress_is_reported_on_change_until_the_job_completes(backup: Any) -> None:
    stub = Stubber(backup)
    respond(stub, "PENDING")
    respond(stub, "RUNNING", "10.00%")
    respond(stub, "RUNNING", "10.00%")
    respond(stub, "RUNNING", "60.00%")
    respond(stub, "COMPLETED", "100.00%", CreatedResourceArn="arn:aws:ec2:eu-west-1:1:instance/i-1")
    progress: list[RestoreStatus] = []
    pauses: list[float] = []

    with stub:
        final = follow_restore(backup, JOB, progress.append, 3600, sleep=pauses.append)

    stub.assert_no_pending_responses()
    assert final.status == "COMPLETED"
    assert final.created_resource_arn == "arn:aws:ec2:eu-west-1:1:instance/i-1"
    assert final.timed_out is False
    assert [(p.status, p.percent_done) for p in progress] == [
        ("PENDING", None),
        ("RUNNING", "10.00%"),
        ("RUNNING", "60.00%"),
        ("COMPLETED", "100.00%"),
    ]
    assert pauses == [5, 10, 20, 40]


def test_a_failed_restore_is_returned_with_its_reason(backup: Any) -> None:
    stub = Stubber(backup)
    respond(stub, "FAILED", StatusMessage="You are not authorized to perform this operation.")

    with stub:
        final = follow_restore(backup, JOB, lambda _: None, 3600, sleep=lambda _: None)

    assert (final.status, final.status_message) == (
        "FAILED",
        "You are not authorized to perform this operation.",
    )


def test_waiting_is_bounded_and_pauses_are_capped(backup: Any) -> None:
    stub = Stubber(backup)
    for _ in range(9):
        respond(stub, "RUNNING", "1.00%")
    pauses: list[float] = []

    with stub:
        final = follow_restore(backup, JOB, lambda _: None, 300, sleep=pauses.append)

    stub.assert_no_pending_responses()
    assert final.timed_out is True
    assert final.status == "RUNNING"
    assert sum(pauses) == 300
    assert max(pauses) == MAX_DELAY
    assert pauses == [5, 10, 20, 40, 60, 60, 60, 45]


def test_throttling_skips_a_poll_instead_of_failing(backup: Any) -> None:
    stub = Stubber(backup)
    stub.add_client_error("describe_restore_job", "ThrottlingException", http_status_code=400)
    respond(stub, "COMPLETED", "100.00%")

    with stub:
        final = follow_restore(backup, JOB, lambda _: None, 3600, sleep=lambda _: None)

    stub.assert_no_pending_responses()
    assert final.status == "COMPLETED"


def test_a_job_aws_does_not_know_is_a_permanent_error(backup: Any) -> None:
    stub = Stubber(backup)
    stub.add_client_error("describe_restore_job", "ResourceNotFoundException", http_status_code=400)

    with stub, pytest.raises(BackupDoctorError, match="no longer exists"):
        follow_restore(backup, JOB, lambda _: None, 3600, sleep=lambda _: None)
