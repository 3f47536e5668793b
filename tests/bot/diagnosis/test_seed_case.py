"""The seed case: an AWS Backup EC2 restore denied iam:PassRole on the instance profile's role."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose
from bot.models import Diagnosis, Job, ParsedInput
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.diagnosis.messages import (
    ACCOUNT,
    BACKUP_SESSION,
    INSTANCE_ROLE,
    RESTORE_ROLE,
    decoded_message,
)

SLR_SESSION = (
    f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForBackup/AWSBackup-AWSServiceRoleForBackup"
)


def seed(job: Job | None, principal: str = BACKUP_SESSION, explicit: bool = False) -> Diagnosis:
    message = decoded_message(principal, "iam:PassRole", INSTANCE_ROLE, explicit=explicit)
    return diagnose(ParsedInput(kind="encoded_message", encoded_message="AbC"), message, job)


def test_the_job_role_with_its_path_wins_over_the_session_role(restore_job: Job) -> None:
    denial = seed(restore_job).denial
    assert denial is not None
    assert denial.role_arn == RESTORE_ROLE
    assert denial.principal_arn == BACKUP_SESSION
    assert denial.sources == ["decoded_message", "job"]


def test_restore_without_iam_role_comes_first_and_is_automatic(restore_job: Job) -> None:
    diagnosis = seed(restore_job)
    assert [f.code for f in diagnosis.findings] == ["BACKUP_RESTORE_PASSROLE_DENIED"]
    first, second = diagnosis.remedies
    assert (first.id, first.fix, first.changes_iam, first.automatic) == (
        "RESTORE_WITHOUT_IAM_ROLE",
        "RESTORE_WITHOUT_IAM_ROLE",
        False,
        True,
    )
    assert (second.id, second.fix, second.changes_iam, second.automatic) == (
        "GRANT_PASSROLE",
        "GRANT_PASSROLE",
        True,
        True,
    )


def test_grant_passrole_is_exact_and_goes_on_the_restore_role(restore_job: Job) -> None:
    grant = seed(restore_job).remedies[1]
    assert grant.attach_to == RESTORE_ROLE
    assert grant.policy is not None
    assert_least_privilege(grant.policy, "iam:PassRole", INSTANCE_ROLE)
    assert grant.policy["Statement"][0]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}
    }
    assert grant.policy_name == f"backup-doctor-{grant.policy['Statement'][0]['Sid']}"


def test_each_automatic_remedy_says_exactly_what_its_fix_will_do(restore_job: Job) -> None:
    restore, grant = seed(restore_job).remedies
    instance_role = INSTANCE_ROLE.rsplit("/", 1)[-1]
    restore_role = RESTORE_ROLE.rsplit("/", 1)[-1]
    assert restore.confirm == (
        f"Starts a new restore from the recovery point of job {restore_job.job_id}, with no IAM "
        "role for the instance. No IAM change."
    )
    assert grant.confirm == (
        f"Adds an inline policy to {restore_role} allowing iam:PassRole on {instance_role} only, "
        "then re-runs the restore with the original IAM role."
    )


def test_service_linked_role_in_message_still_fixes_the_job_role(restore_job: Job) -> None:
    diagnosis = seed(restore_job, principal=SLR_SESSION)
    assert diagnosis.denial is not None
    assert diagnosis.denial.role_arn == RESTORE_ROLE
    assert diagnosis.remedies[1].attach_to == RESTORE_ROLE


def test_service_linked_role_without_a_job_gets_no_automatic_grant() -> None:
    grant = seed(None, principal=SLR_SESSION).remedies[-1]
    assert grant.id == "GRANT_PASSROLE"
    assert (grant.attach_to, grant.automatic) == (None, False)
    assert "restore job's IAM role" in grant.description


def test_without_a_job_nothing_is_automatic() -> None:
    remedies = {r.id: r for r in seed(None).remedies}
    assert remedies["RESTORE_WITHOUT_IAM_ROLE"].automatic is False  # no recovery point to replay
    # the session ARN lost the role's path: shown for review, not applied blindly
    assert remedies["GRANT_PASSROLE"].automatic is False


def test_explicit_deny_keeps_only_the_no_iam_remedy(restore_job: Job) -> None:
    diagnosis = seed(restore_job, explicit=True)
    assert "GRANT_PASSROLE" not in [r.id for r in diagnosis.remedies]
    assert diagnosis.remedies[0].id == "RESTORE_WITHOUT_IAM_ROLE"
    assert diagnosis.findings[0].code == "EXPLICIT_DENY_UNKNOWN_POLICY"  # critical sorts first


@pytest.mark.parametrize(
    ("job_type", "resource_type"), [("backup", "EC2"), ("restore", "RDS"), ("copy", None)]
)
def test_other_jobs_are_not_the_seed_case(
    restore_job: Job, job_type: str, resource_type: str
) -> None:
    job = restore_job.model_copy(update={"job_type": job_type, "resource_type": resource_type})
    codes = [f.code for f in seed(job).findings]
    assert "BACKUP_RESTORE_PASSROLE_DENIED" not in codes
    assert "PASSROLE_DENIED" in codes


def test_explanation_names_restore_role_and_passed_role(restore_job: Job) -> None:
    finding = seed(restore_job).findings[0]
    assert RESTORE_ROLE in finding.explanation
    assert INSTANCE_ROLE in finding.explanation
