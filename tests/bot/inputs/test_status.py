"""AWS Backup job status messages without an encoded message."""

from __future__ import annotations

import pytest

from bot.inputs import parse_input
from bot.inputs.status import find_status
from bot.models import ParsedInput


@pytest.mark.parametrize(
    "text",
    [
        "Access Denied trying to call AWS Backup service",
        "Given key ID is not accessible",
        "Insufficient privileges to perform this action.",
        "You are not authorized to perform this operation. Please consult the permissions "
        "associated with your AWS Backup role(s), and refer to the AWS Backup documentation "
        "for more details.",
    ],
)
def test_known_status_is_status_text(text: str) -> None:
    result = parse_input(text)
    assert isinstance(result, ParsedInput)
    assert (result.kind, result.status_text) == ("status_text", text)


def test_status_whitespace_is_collapsed() -> None:
    found = find_status("Access Denied\n  trying to call AWS Backup service")
    assert found is not None
    assert found.text == "Access Denied trying to call AWS Backup service"


def test_status_names_the_resource_it_could_not_describe() -> None:
    found = find_status(
        "Your backup job failed as AWS Backup does not have permission to describe resource "
        "arn:aws:s3:::my-bucket. Please review your IAM policies."
    )
    assert found is not None
    assert found.resource == "arn:aws:s3:::my-bucket"


def test_status_with_a_job_id_is_a_job_and_keeps_the_status() -> None:
    uuid = "0b1a2c3d-4e5f-4a3f-9d2c-d48d8a7b4b9d"
    result = parse_input(f"Copy job {uuid}: Access Denied trying to call AWS Backup service")
    assert isinstance(result, ParsedInput)
    assert result.kind == "job_id"
    assert result.job is not None
    assert (result.job.job_id, result.job.job_type) == (uuid, "copy")
    assert result.status_text is not None


def test_other_text_is_no_status() -> None:
    assert find_status("The restore completed") is None
