"""Diagnoses from IAM Access Troubleshooter's evaluation, else from the sentence."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose, to_contract_json
from bot.diagnosis.authorization import authorization_facts, denied_evaluations
from bot.models import AuthorizationLookup
from bot.pipeline import parse
from tests.support import authorization_details as authz

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-Default"
INSTANCE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-instance-role"
AUTHORIZATION_ID = "k3j4h5g6f7d8s9a0"
TEXT = (
    f"User: {SESSION} is not authorized to perform: iam:PassRole on resource: {INSTANCE_ROLE}. "
    "Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1"
    f"#/authorization-details/{AUTHORIZATION_ID} for complete details, or call the "
    f"GetRequestAuthorizationDetails API with the following authorization id: {AUTHORIZATION_ID}"
)


def found(details: dict[str, object]) -> AuthorizationLookup:
    return AuthorizationLookup(
        authorization_id=AUTHORIZATION_ID,
        status="found",
        account_id=ACCOUNT,
        region="us-east-1",
        details=details,
    )


def test_the_denied_evaluation_is_the_one_explained_explicit_first() -> None:
    details = authz.passrole_explicit_deny(ROLE, INSTANCE_ROLE, SESSION)
    implicit = authz.evaluation("ec2:CreateTags", "*", "IMPLICIT_DENY")
    details["evaluations"].insert(0, implicit)

    assert [e["action"] for e in denied_evaluations(details)] == ["iam:PassRole", "ec2:CreateTags"]
    facts = authorization_facts(details)
    assert facts["action"] == "iam:PassRole"
    assert facts["resource"] == INSTANCE_ROLE
    assert facts["explicit_deny"] is True
    assert facts["policy_type"] == "identity"  # the PRINCIPAL check denied
    assert facts["principal_arn"] == SESSION
    (statement,) = facts["matched_statements"]  # the Deny only: the matched Allow explains nothing
    assert (statement.sid, statement.policy, statement.policy_type) == (
        "DenyPassRoleOutsideBackup",
        authz.DENY_POLICY,
        "identity",
    )


def test_an_explicit_deny_names_its_policy_and_sid_and_drops_the_paste_again_advice() -> None:
    diagnosis = diagnose(
        parse(TEXT), authorization=found(authz.passrole_explicit_deny(ROLE, INSTANCE_ROLE, SESSION))
    )

    assert diagnosis.denial is not None
    assert diagnosis.denial.sources[0] == "authorization_details"
    codes = [f.code for f in diagnosis.findings]
    assert codes[0] == "EXPLICIT_DENY_IDENTITY"
    assert "AUTHORIZATION_DETAILS_READ" in codes
    explanation = diagnosis.findings[0].explanation
    assert f"DenyPassRoleOutsideBackup in {authz.DENY_POLICY}" in explanation
    note = next(f for f in diagnosis.findings if f.code == "AUTHORIZATION_DETAILS_READ")
    assert "3 checks, 1 denied" in note.explanation
    remedies = [r.id for r in diagnosis.remedies]
    assert "ASK_POLICY_OWNER" in remedies
    assert "DECODE_FULL_MESSAGE" not in remedies
    assert not any(r.changes_iam and r.automatic for r in diagnosis.remedies)  # never "fixed"


def test_a_boundary_that_does_not_allow_is_a_guardrail_not_a_missing_grant() -> None:
    principal = f"arn:aws:iam::{ACCOUNT}:role/app"
    text = (
        f"User: {principal} is not authorized to perform: s3:GetObject on resource: "
        f"arn:aws:s3:::b/k. ... with the following authorization id: {AUTHORIZATION_ID}"
    )
    details = authz.boundary_implicit_deny(principal, "s3:GetObject", "arn:aws:s3:::b/k")

    diagnosis = diagnose(parse(text), authorization=found(details))

    assert diagnosis.denial is not None
    assert (diagnosis.denial.explicit_deny, diagnosis.denial.policy_type) == (
        False,
        "permissions_boundary",
    )
    assert diagnosis.findings[0].code == "NOT_ALLOWED_BY_GUARDRAIL"
    assert "GRANT_ACTION" not in [r.id for r in diagnosis.remedies]


def test_the_evaluation_wins_over_the_sentence() -> None:
    """The sentence can be cut or reworded; AWS's own evaluation is the record."""
    text = TEXT.replace("iam:PassRole", "iam:Pass")
    diagnosis = diagnose(
        parse(text), authorization=found(authz.passrole_explicit_deny(ROLE, INSTANCE_ROLE, SESSION))
    )
    assert diagnosis.denial is not None
    assert diagnosis.denial.action == "iam:PassRole"


@pytest.mark.parametrize(
    ("status", "code", "remedy"),
    [
        ("not_found", "AUTHORIZATION_DETAILS_NOT_FOUND", "OPEN_AUTHORIZATION_DETAILS"),
        ("no_permission", "AUTHORIZATION_DETAILS_NO_PERMISSION", "UPDATE_READ_ROLE"),
        ("failed", "AUTHORIZATION_DETAILS_FAILED", "OPEN_AUTHORIZATION_DETAILS"),
        ("not_read", "AUTHORIZATION_DETAILS_NOT_READ", "OPEN_AUTHORIZATION_DETAILS"),
    ],
)
def test_details_missing_fall_back_to_the_sentence_and_say_why(
    status: str, code: str, remedy: str
) -> None:
    lookup = AuthorizationLookup.model_validate(
        {"authorization_id": AUTHORIZATION_ID, "status": status, "account_id": ACCOUNT,
         "region": "us-east-1", "problem": "The bot may not read them."}
    )  # fmt: skip

    diagnosis = diagnose(parse(TEXT), authorization=lookup)

    assert diagnosis.denial is not None
    assert (diagnosis.denial.action, diagnosis.denial.resource) == ("iam:PassRole", INSTANCE_ROLE)
    assert diagnosis.denial.sources == ["sentence"]
    note = next(f for f in diagnosis.findings if f.code == code)
    assert AUTHORIZATION_ID in note.title
    assert remedy in [r.id for r in diagnosis.remedies]


def test_offline_the_id_is_kept_and_the_note_says_no_call_was_made() -> None:
    diagnosis = diagnose(parse(TEXT))

    note = next(f for f in diagnosis.findings if f.code == "AUTHORIZATION_DETAILS_NOT_READ")
    assert "no AWS call was made" in note.explanation
    contract = to_contract_json(diagnosis)
    assert contract["input"]["authorization_id"] == AUTHORIZATION_ID
    assert contract["authorization"] == {
        "authorization_id": AUTHORIZATION_ID,
        "status": "not_read",
        "region": "us-east-1",
    }


def test_a_link_alone_is_an_error_text_with_its_id_and_region() -> None:
    parsed = parse(
        "https://eu-west-1.console.aws.amazon.com/iam/home?region=eu-west-1"
        f"#/authorization-details/{AUTHORIZATION_ID}"
    )
    assert (parsed.kind, parsed.authorization_id, parsed.authorization_region) == (
        "error_text",
        AUTHORIZATION_ID,
        "eu-west-1",
    )
    assert not parsed.region_hint  # a link's ?region= is not the user's region= word


def test_the_role_keeps_its_path_from_the_policies_it_is_attached_to() -> None:
    details = authz.passrole_explicit_deny(ROLE, INSTANCE_ROLE, SESSION)

    assert authorization_facts(details)["role_arn"] == ROLE  # service-role/ kept
    denial = diagnose(parse(TEXT), authorization=found(details)).denial
    assert denial is not None
    assert denial.role_arn == ROLE


def test_a_role_of_the_same_name_in_another_account_is_not_taken() -> None:
    other = ROLE.replace(ACCOUNT, "999999999999")
    details = authz.passrole_explicit_deny(other, INSTANCE_ROLE, SESSION)

    assert authorization_facts(details)["role_arn"] is None
