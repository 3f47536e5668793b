"""Every public sample gives the facts its source states, the right codes and the right remedies."""

from __future__ import annotations

from typing import Any

import pytest

from bot.diagnosis import diagnose
from bot.models import Diagnosis, Job, ParsedInput, SentenceDenial
from tests.bot.diagnosis.messages import RESTORE_ROLE
from tests.bot.diagnosis.samples import load_decoded, public_cases

DECODED_IDS = sorted(cid for cid, case in public_cases().items() if case["kind"] == "decoded")


def diagnose_sample(case_id: str) -> Diagnosis:
    decoded, partial = load_decoded(public_cases()[case_id]["text"])
    parsed = ParsedInput(kind="decoded_message", decoded=decoded, decoded_partial=partial)
    return diagnose(parsed)


def expected_action(case: dict[str, Any]) -> str:
    # The awscli sample shows the action as AWS printed it, without its service prefix.
    action: str = case["action"]
    return action if ":" in action else f"ec2:{action}"


@pytest.mark.parametrize("case_id", DECODED_IDS)
def test_decoded_sample_gives_the_stated_facts(case_id: str) -> None:
    case = public_cases()[case_id]
    denial = diagnose_sample(case_id).denial
    assert denial is not None
    assert denial.action == expected_action(case)
    assert denial.resource == case["resource"]
    assert denial.principal_arn == case["principal_arn"]
    assert denial.explicit_deny == case["explicit_deny"]


EXPECTED = {
    # case id: (finding codes in order, remedy ids in order)
    "ocp-kcs-machineapi-runinstances-scp": (
        ["EXPLICIT_DENY_UNKNOWN_POLICY", "INPUT_INCOMPLETE"],
        ["ASK_POLICY_OWNER", "DECODE_FULL_MESSAGE"],
    ),
    "aws-kc-backup-restore-passrole-default-role": (
        ["BACKUP_RESTORE_PASSROLE_DENIED", "INPUT_INCOMPLETE"],
        ["RESTORE_WITHOUT_IAM_ROLE", "DECODE_FULL_MESSAGE", "GRANT_PASSROLE"],
    ),
    "coderwall-scalr-passrole": (
        ["PASSROLE_DENIED", "PASSROLE_SERVICE_UNKNOWN"],
        ["GRANT_PASSROLE"],
    ),
    "repost-ec2-not-auth-launch-passrole": (
        ["PASSROLE_DENIED", "INPUT_INCOMPLETE"],
        ["DECODE_FULL_MESSAGE", "GRANT_PASSROLE"],
    ),
    "awscli-example-visualeditor0-explicit-deny": (
        ["EXPLICIT_DENY_UNKNOWN_POLICY"],
        ["ASK_POLICY_OWNER"],
    ),
    "so-50710055-createtags-on-runinstances": (
        ["TAG_ON_CREATE_DENIED", "INPUT_INCOMPLETE"],
        ["DECODE_FULL_MESSAGE", "GRANT_CREATE_TAGS_ON_CREATE"],
    ),
}


def test_every_decoded_sample_has_expectations() -> None:
    assert sorted(EXPECTED) == DECODED_IDS


@pytest.mark.parametrize(("case_id", "codes", "remedies"), [(k, *v) for k, v in EXPECTED.items()])
def test_decoded_sample_codes_and_remedies(
    case_id: str, codes: list[str], remedies: list[str]
) -> None:
    diagnosis = diagnose_sample(case_id)
    assert [f.code for f in diagnosis.findings] == codes
    assert [r.id for r in diagnosis.remedies] == remedies


def test_explicit_deny_sample_names_the_statement_and_never_offers_an_allow() -> None:
    diagnosis = diagnose_sample("awscli-example-visualeditor0-explicit-deny")
    assert "VisualEditor0" in diagnosis.findings[0].explanation
    assert diagnosis.denial is not None
    assert diagnosis.denial.role_arn == "arn:aws:iam::111122223333:role/Developer"
    assert diagnosis.denial.region == "us-east-1"
    assert all(r.policy is None and not r.automatic for r in diagnosis.remedies)


@pytest.mark.parametrize(
    "case_id",
    ["coderwall-scalr-passrole", "repost-ec2-not-auth-launch-passrole"],
)
def test_no_policy_is_built_on_a_placeholder_account(case_id: str) -> None:
    grant = next(r for r in diagnose_sample(case_id).remedies if r.id == "GRANT_PASSROLE")
    assert grant.policy is None
    assert grant.attach_to is None  # an IAM user: the fix only puts policies on roles
    assert grant.automatic is False


def test_redacted_sample_keeps_account_and_role_as_written_and_flags_them() -> None:
    denial = diagnose_sample("ocp-kcs-machineapi-runinstances-scp").denial
    assert denial is not None
    assert denial.account_id == "[redacted]"
    assert denial.role_arn == "arn:aws:iam::[redacted]:role/[redacted:sso_user_role_name]"
    assert denial.redacted == ["principal_arn", "role_arn", "account_id", "resource"]
    assert denial.matched_statements[0].sid == "Statement1"


def test_repost_passrole_sample_reads_region_and_passed_to_service_from_context() -> None:
    diagnosis = diagnose_sample("repost-ec2-not-auth-launch-passrole")
    assert diagnosis.denial is not None
    assert diagnosis.denial.region == "us-east-2"
    assert diagnosis.denial.account_id == "accountID"  # the poster's placeholder, as written
    assert "account_id" in diagnosis.denial.redacted
    grant = next(r for r in diagnosis.remedies if r.id == "GRANT_PASSROLE")
    assert "only to ec2.amazonaws.com" in grant.description


STATUS_CASES = {
    "backup-job-s3-describe-denied": ("backup", "BACKUP_ROLE_MISSING_SERVICE_POLICY"),
    "backup-copy-vault-access-denied": ("copy", "BACKUP_VAULT_ACCESS_DENIED"),
    "backup-restore-ec2-kc-default-role": ("restore", "BACKUP_RESTORE_LIKELY_PASSROLE"),
}


@pytest.mark.parametrize(
    ("case_id", "job_type", "code"), [(k, *v) for k, v in STATUS_CASES.items()]
)
def test_backup_status_text_sample(case_id: str, job_type: str, code: str) -> None:
    text = public_cases()[case_id]["text"]
    job = Job.model_validate(
        {
            "job_id": "J1",
            "job_type": job_type,
            "account_id": "111122223333",
            "region": "eu-west-2",
            "status": "FAILED",
            "status_message": text,
            "iam_role_arn": RESTORE_ROLE,
            "resource_type": "EC2" if job_type == "restore" else "S3",
        }
    )
    diagnosis = diagnose(ParsedInput(kind="status_text", status_text=text), job=job)
    assert diagnosis.findings[0].code == code


def test_s3_status_text_names_the_s3_backup_policy_and_bucket() -> None:
    case = public_cases()["backup-job-s3-describe-denied"]
    diagnosis = diagnose(ParsedInput(kind="status_text", status_text=case["text"]))
    finding = diagnosis.findings[0]
    assert finding.details["resource"] == case["resource"]
    assert finding.details["managed_policy"] == "AWSBackupServiceRolePolicyForS3Backup"
    assert diagnosis.remedies[0].id == "ATTACH_BACKUP_SERVICE_POLICY"


SENTENCE_CASES = {
    # the plain-text sentence of each error sample, as the input parser reads it
    "tf-35639-enriched-scp-volume": (
        SentenceDenial(
            principal_arn=public_cases()["tf-35639-enriched-scp-volume"]["principal_arn"],
            action="ec2:RunInstances",
            resource="arn:aws:ec2:eu-central-1:851725412353:volume/*",
            explicit_deny=True,
            policy_type="scp",
        ),
        "EXPLICIT_DENY_SCP",
    ),
    "k8s-karpenter-2813-cloudtrail-createfleet": (
        SentenceDenial(
            principal_arn="arn:aws:sts::XXXXXX:assumed-role/abc-Karpenter-Role/1768825272022703283",
            action="ec2:CreateFleet",
            resource="arn:aws:ec2:us-west-2:XXXXXX:launch-template/*",
            explicit_deny=False,
            policy_type="identity",
        ),
        "IMPLICIT_DENY",
    ),
}


@pytest.mark.parametrize(
    ("case_id", "sentence", "code"), [(k, *v) for k, v in SENTENCE_CASES.items()]
)
def test_error_text_sample_from_its_sentence(
    case_id: str, sentence: SentenceDenial, code: str
) -> None:
    case = public_cases()[case_id]
    diagnosis = diagnose(ParsedInput(kind="error_text", sentence=sentence))
    assert diagnosis.denial is not None
    assert (diagnosis.denial.action, diagnosis.denial.resource) == (
        case["action"],
        case["resource"],
    )
    assert diagnosis.denial.explicit_deny == case["explicit_deny"]
    assert diagnosis.findings[0].code == code
    assert all(r.policy is None for r in diagnosis.remedies)  # SCP deny / placeholder account
