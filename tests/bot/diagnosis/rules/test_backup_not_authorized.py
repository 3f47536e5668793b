"""Rule: Backup's "not authorized" status text when no decoded action is known."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import backup_not_authorized
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.messages import BACKUP_SESSION, INSTANCE_ROLE, decoded_message

STATUS = (
    "You are not authorized to perform this operation. Please consult the permissions associated "
    "with your AWS Backup role(s), and refer to the AWS Backup documentation for more details."
)


@pytest.mark.parametrize(
    ("job_type", "resource_type", "code"),
    [
        ("restore", "EC2", "BACKUP_RESTORE_LIKELY_PASSROLE"),
        ("restore", "EBS", "BACKUP_ROLE_NOT_AUTHORIZED"),
        ("backup", "EC2", "BACKUP_ROLE_NOT_AUTHORIZED"),
    ],
)
def test_code_by_job(
    make_ctx: RuleContextFactory, restore_job: Job, job_type: str, resource_type: str, code: str
) -> None:
    job = restore_job.model_copy(update={"job_type": job_type, "resource_type": resource_type})
    hits = backup_not_authorized.check(make_ctx(job=job, status_text=STATUS))
    assert [h.code for h in hits] == [code]


def test_silent_when_the_decoded_action_is_known(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    ctx = make_ctx(
        decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE),
        job=restore_job,
        status_text=STATUS,
    )
    assert backup_not_authorized.check(ctx) == []


def test_silent_for_other_texts(make_ctx: RuleContextFactory) -> None:
    assert backup_not_authorized.check(make_ctx(status_text="Access denied")) == []
