"""Rule: the AWS Backup EC2 restore that may not pass the instance profile's role."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import backup_restore_passrole
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.messages import BACKUP_SESSION, INSTANCE_ROLE, decoded_message

USER = "arn:aws:iam::111122223333:user/ana"


@pytest.mark.parametrize(
    ("principal", "action", "with_job", "fires"),
    [
        (BACKUP_SESSION, "iam:PassRole", False, True),
        (BACKUP_SESSION, "iam:PassRole", True, True),
        (USER, "iam:PassRole", True, True),  # the job says who ran it
        (USER, "iam:PassRole", False, False),
        (BACKUP_SESSION, "ec2:RunInstances", True, False),
    ],
)
def test_when_it_fires(
    make_ctx: RuleContextFactory,
    restore_job: Job,
    principal: str,
    action: str,
    with_job: bool,
    fires: bool,
) -> None:
    job = restore_job if with_job else None
    ctx = make_ctx(decoded_message(principal, action, INSTANCE_ROLE, explicit=False), job=job)
    hits = backup_restore_passrole.check(ctx)
    assert [h.code for h in hits] == (["BACKUP_RESTORE_PASSROLE_DENIED"] if fires else [])


@pytest.mark.parametrize(
    ("recovery_point", "automatic"),
    [("arn:aws:ec2:us-east-1::image/ami-1", True), (None, False)],
)
def test_rerun_is_automatic_only_with_a_recovery_point(
    make_ctx: RuleContextFactory, restore_job: Job, recovery_point: str | None, automatic: bool
) -> None:
    job = restore_job.model_copy(update={"recovery_point_arn": recovery_point})
    ctx = make_ctx(decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE), job=job)
    (hit,) = backup_restore_passrole.check(ctx)
    assert hit.remedies["RESTORE_WITHOUT_IAM_ROLE"].automatic is automatic


def test_unknown_passed_role_gives_no_policy(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    ctx = make_ctx(decoded_message(BACKUP_SESSION, "iam:PassRole"), job=restore_job)
    (hit,) = backup_restore_passrole.check(ctx)
    assert hit.remedies["GRANT_PASSROLE"].policy is None
    assert hit.details["passed_role"] == "the instance profile's role"
