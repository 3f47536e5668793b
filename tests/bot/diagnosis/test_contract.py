"""The CLI --json contract: exact keys, null for unknown."""

from __future__ import annotations

import json

from bot.diagnosis import diagnose, to_contract_json
from bot.models import Job, ParsedInput
from tests.bot.diagnosis.messages import BACKUP_SESSION, INSTANCE_ROLE, decoded_message

INPUT_KEYS = {"kind", "encoded_message", "truncated", "job_id", "account_id", "region"}
DENIAL_KEYS = {
    "principal_arn", "role_arn", "account_id", "region", "action", "resource",
    "explicit_deny", "policy_type", "matched_statements",
}  # fmt: skip
STATEMENT_KEYS = {"sid", "actions", "resources", "conditions"}
FINDING_KEYS = {"code", "title", "explanation"}
REMEDY_KEYS = {"id", "title", "changes_iam", "automatic", "attach_to", "policy"}


def test_contract_has_every_documented_key(restore_job: Job) -> None:
    message = decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE, explicit=False)
    parsed = ParsedInput(kind="encoded_message", encoded_message="AbC-_1")
    contract = to_contract_json(diagnose(parsed, message, restore_job))
    assert {"input", "denial", "findings", "remedies"} <= set(contract)
    assert set(contract["input"]) >= INPUT_KEYS
    assert set(contract["denial"]) >= DENIAL_KEYS
    assert all(set(f) >= FINDING_KEYS for f in contract["findings"])
    assert all(set(r) >= REMEDY_KEYS for r in contract["remedies"])
    assert contract["input"]["job_id"] == restore_job.job_id
    assert contract["remedies"][1]["policy"]["Version"] == "2012-10-17"
    json.dumps(contract)  # serialisable as is


def test_statements_carry_conditions_and_their_likely_meaning() -> None:
    statement = {
        "statementId": "RequireTeam",
        "effect": "DENY",
        "actions": {"items": [{"value": "ec2:RunInstances"}]},
        "resources": {"items": [{"value": "*"}]},
        "conditions": {
            "items": [{"key": "aws:RequestTag/team", "values": {"items": [{"value": "true"}]}}]
        },
    }
    message = decoded_message(
        BACKUP_SESSION, "ec2:RunInstances", explicit=True, statements=[statement]
    )
    contract = to_contract_json(diagnose(ParsedInput(kind="decoded_message"), message))
    (shown,) = contract["denial"]["matched_statements"]
    assert set(shown) >= STATEMENT_KEYS
    assert shown["conditions"] == {"aws:RequestTag/team": ["true"]}
    assert shown["likely_meaning"] == "the request did not carry the tag team"


def test_unknowns_are_null() -> None:
    contract = to_contract_json(
        diagnose(ParsedInput(kind="status_text", status_text="Access denied"))
    )
    assert contract["denial"] is None
    assert contract["input"] == {
        "kind": "error_text", "producer": None, "called_api": None, "error_code": None,
        "encoded_message": None,
        "truncated": False, "job_id": None, "account_id": None, "region": None,
        "authorization_id": None,
    }  # fmt: skip
    assert contract["authorization"] is None
    assert [f["code"] for f in contract["findings"]] == ["NOT_ENOUGH_INFORMATION"]
    assert all(r["policy"] is None and r["attach_to"] is None for r in contract["remedies"])
