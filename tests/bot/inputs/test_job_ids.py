"""AWS Backup job references: ARNs, ids, the words that type them, and ids that are not jobs."""

from __future__ import annotations

import pytest

from bot.inputs.job_ids import find_job
from bot.models import JobRef

UUID = "D48D8A7B-4A3F-4B9D-9D2C-0B1A2C3D4E5F"


@pytest.mark.parametrize("job_type", ["backup", "restore", "copy"])
def test_job_arn_sets_type_account_and_region(job_type: str) -> None:
    arn = f"arn:aws:backup:eu-west-1:123456789012:{job_type}-job:{UUID}"
    assert find_job(f"look at {arn} please", in_error=False) == JobRef(
        job_id=UUID,
        job_type=job_type,
        arn=arn,
        account_id="123456789012",
        region="eu-west-1",
    )


@pytest.mark.parametrize(
    ("text", "job_id", "job_type"),
    [
        (UUID, UUID, None),
        (UUID.lower(), UUID.lower(), None),
        (f"restore job {UUID} failed", UUID, "restore"),
        (f"Copy job ID: {UUID}", UUID, "copy"),
        (f'"RestoreJobId": "{UUID}"', UUID, "restore"),
        (f"my backup job failed, id {UUID}", UUID, "backup"),
        (
            "restore 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 restore job",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "restore",
        ),
    ],
)
def test_job_id_and_words_that_type_it(text: str, job_id: str, job_type: str | None) -> None:
    assert find_job(text, in_error=False) == JobRef(job_id=job_id, job_type=job_type)


@pytest.mark.parametrize(
    "text",
    [
        f"request id: {UUID}",
        f"<RequestID>{UUID}</RequestID>",
        f'"eventID": "{UUID}"',
        "1234",
        "D48D8A7B-4A3F-4B9D-9D2C",
        "AROA123456789EXAMPLE",
        f"{UUID}X",
    ],
)
def test_not_a_job(text: str) -> None:
    assert find_job(text, in_error=False) is None


def test_in_an_error_only_a_named_job_counts() -> None:
    assert find_job(f"failed, see {UUID}", in_error=True) is None
    found = find_job(f"Restore job {UUID}: You are not authorized", in_error=True)
    assert found == JobRef(job_id=UUID, job_type="restore")
