"""Masked accounts in pasted errors are kept as written, flagged, and never acted on."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose, to_contract_json
from bot.inputs import parse_input
from bot.models import ParsedInput

MASKS = [
    "[redacted:account_id]",
    "<REMOVED>",
    "xxxxxxxxxxxx",
    "**",
    "YOUR_ACCOUNT_ID",
    "<aws-account-id>",
    "123456789",
]


def sentence(mask: str) -> str:
    return (
        f"User: arn:aws:sts::{mask}:assumed-role/AWSBackupDefaultServiceRole/"
        "AWSBackup-AWSBackupDefaultServiceRole is not authorized to perform: iam:PassRole on "
        f"resource: arn:aws:iam::{mask}:role/app-instance-role because no identity-based policy "
        "allows the iam:PassRole action"
    )


@pytest.mark.parametrize("mask", MASKS)
def test_the_role_behind_a_masked_session_is_still_the_role_to_fix(mask: str) -> None:
    parsed = parse_input(sentence(mask))
    assert isinstance(parsed, ParsedInput)
    diagnosis = diagnose(parsed)
    denial = diagnosis.denial
    assert denial is not None
    assert denial.role_arn == f"arn:aws:iam::{mask}:role/AWSBackupDefaultServiceRole"
    assert denial.account_id == mask
    assert "account_id" in denial.redacted
    assert "role_arn" in denial.redacted
    assert parsed.account_id is None  # what the pipeline would send to AWS: nothing masked
    assert diagnosis.findings[0].code == "BACKUP_RESTORE_PASSROLE_DENIED"


@pytest.mark.parametrize("mask", MASKS)
def test_nothing_masked_can_be_applied_by_the_bot(mask: str) -> None:
    parsed = parse_input(sentence(mask))
    assert isinstance(parsed, ParsedInput)
    remedies = diagnose(parsed).remedies
    assert not any(r.automatic for r in remedies)
    assert all(r.policy is None for r in remedies)


def test_the_json_flags_the_masked_fields() -> None:
    parsed = parse_input(sentence("[redacted:account_id]"))
    assert isinstance(parsed, ParsedInput)
    denial = to_contract_json(diagnose(parsed))["denial"]
    assert denial["account_id"] == "[redacted:account_id]"
    assert denial["redacted"] == ["principal_arn", "role_arn", "account_id", "resource"]


def test_a_real_account_is_not_flagged() -> None:
    parsed = parse_input(sentence("111122223333"))
    assert isinstance(parsed, ParsedInput)
    denial = diagnose(parsed).denial
    assert denial is not None
    assert denial.redacted == []
    assert denial.account_id == "111122223333"
