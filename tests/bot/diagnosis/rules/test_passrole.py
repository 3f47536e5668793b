"""Rule: iam:PassRole denied outside the Backup restore case."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import passrole
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.diagnosis.messages import BACKUP_SESSION, decoded_message

APP_ROLE = "arn:aws:iam::111122223333:role/app-instance"
CALLER = "arn:aws:sts::111122223333:assumed-role/Deployer/ci"


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("ec2", "ec2.amazonaws.com"),
        ("lambda.amazonaws.com", "lambda.amazonaws.com"),
        (None, None),
    ],
)
def test_passed_to_service_from_context(
    make_ctx: RuleContextFactory, service: str | None, expected: str | None
) -> None:
    context = {"aws:Service": service} if service else {}
    ctx = make_ctx(
        decoded_message(CALLER, "iam:PassRole", APP_ROLE, explicit=False, context=context)
    )
    hit = passrole.check(ctx)[0]
    policy = hit.remedies["GRANT_PASSROLE"].policy
    assert policy is not None
    assert_least_privilege(policy, "iam:PassRole", APP_ROLE)
    condition = policy["Statement"][0].get("Condition")
    assert condition == ({"StringEquals": {"iam:PassedToService": expected}} if expected else None)


def test_unknown_service_is_said(make_ctx: RuleContextFactory) -> None:
    ctx = make_ctx(decoded_message(CALLER, "iam:PassRole", APP_ROLE, explicit=False))
    assert [h.code for h in passrole.check(ctx)] == ["PASSROLE_DENIED", "PASSROLE_SERVICE_UNKNOWN"]


@pytest.mark.parametrize(
    ("principal", "explicit", "codes"),
    [
        (CALLER, True, []),  # explicit deny: an Allow cannot help; explained elsewhere
        (BACKUP_SESSION, False, []),  # the Backup restore rule owns it
        (
            "arn:aws:iam::111122223333:user/ana",
            False,
            ["PASSROLE_DENIED", "PASSROLE_SERVICE_UNKNOWN"],
        ),
    ],
)
def test_when_it_fires(
    make_ctx: RuleContextFactory, principal: str, explicit: bool, codes: list[str]
) -> None:
    ctx = make_ctx(decoded_message(principal, "iam:PassRole", APP_ROLE, explicit=explicit))
    assert [h.code for h in passrole.check(ctx)] == codes


def test_backup_job_of_another_kind_is_handled_here(
    make_ctx: RuleContextFactory, restore_job: Job
) -> None:
    job = restore_job.model_copy(update={"job_type": "backup"})
    ctx = make_ctx(
        decoded_message(BACKUP_SESSION, "iam:PassRole", APP_ROLE, explicit=False), job=job
    )
    hit = passrole.check(ctx)[0]
    assert hit.remedies["GRANT_PASSROLE"].attach_to == restore_job.iam_role_arn
    assert hit.remedies["GRANT_PASSROLE"].automatic is True  # the job's role ARN is exact
