"""Rule: an EC2 restore that asked to attach a new instance profile (AWS Backup refuses that)."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import backup_instance_profile
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory

STATUS = (
    "AWS Backup does not permit attaching a new instance profile to an EC2 instance. "
    "Please restore using the backed up instance profile."
)


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        (STATUS, True),
        (STATUS.upper(), True),
        ("You are not authorized to perform this operation.", False),
        ("", False),
    ],
)
def test_when_it_fires(make_ctx: RuleContextFactory, text: str, fires: bool) -> None:
    assert bool(backup_instance_profile.check(make_ctx(status_text=text))) is fires


def test_with_the_job_the_no_iam_rerun_is_automatic(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    job = restore_job.model_copy(update={"status_message": STATUS})
    (hit,) = backup_instance_profile.check(make_ctx(job=job, status_text=STATUS))
    assert hit.code == "BACKUP_RESTORE_NEW_INSTANCE_PROFILE"
    assert hit.remedies["RESTORE_WITHOUT_IAM_ROLE"].automatic is True
    assert hit.details["restore_role"] == job.iam_role_arn
    assert hit.details["job_id"] == job.job_id


def test_without_a_job_nothing_is_automatic(make_ctx: RuleContextFactory) -> None:
    (hit,) = backup_instance_profile.check(make_ctx(status_text=STATUS))
    assert hit.remedies["RESTORE_WITHOUT_IAM_ROLE"].automatic is False
    assert "job_id" not in hit.details
