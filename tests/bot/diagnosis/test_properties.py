"""build_denial and diagnose never raise, whatever shape the decoded message has."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.diagnosis import build_denial, diagnose, to_contract_json
from bot.models import ParsedInput

KEYS = st.sampled_from(
    ["allowed", "explicitDeny", "matchedStatements", "items", "context", "principal", "arn",
     "action", "resource", "conditions", "key", "values", "value", "statementId", "effect",
     "principals", "actions", "resources", "DecodedMessage"]
) | st.text(max_size=8)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["arn:aws:sts::111122223333:assumed-role/R/AWSBackup-R", "iam:PassRole", "RunInstances",
         "arn:aws:iam::111122223333:role/x", "*", "DENY", "SCOPE_POLICY_ISSUER", "aws:Service",
         "aws:RequestTag/team", "kms:Decrypt", "{\"context\": {}}"]
    )
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=6))
def test_build_denial_never_raises(decoded: dict[str, Any]) -> None:
    denial = build_denial(decoded)
    assert denial is None or isinstance(denial.sources, list)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=6), st.text(max_size=60))
def test_diagnose_never_raises_and_always_explains(decoded: dict[str, Any], status: str) -> None:
    diagnosis = diagnose(ParsedInput(kind="decoded_message", status_text=status), decoded)
    assert diagnosis.findings
    assert all(f.code != "RULE_FAILED" for f in diagnosis.findings)
    assert to_contract_json(diagnosis)["findings"]
