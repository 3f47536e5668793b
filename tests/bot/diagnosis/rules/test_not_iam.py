"""Rule: credentials and Region failures that look like denials are told apart from IAM ones."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose
from bot.inputs import parse_input
from bot.models import ParsedInput

CASES = [
    (
        "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The "
        "security token included in the request is expired",
        "CREDENTIALS_EXPIRED",
    ),
    (
        "operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: "
        "1, api error InvalidClientTokenId: The security token included in the request is invalid.",
        "CREDENTIALS_INVALID",
    ),
    (
        "An error occurred (SignatureDoesNotMatch) when calling the ListBuckets operation: The "
        "request signature we calculated does not match the signature you provided.",
        "SIGNATURE_MISMATCH",
    ),
    (
        "An error occurred (UnrecognizedClientException) when calling the ListBackupJobs "
        "operation: The security token included in the request is invalid.",
        "CREDENTIALS_INVALID",
    ),
    (
        "An error occurred (OptInRequired) when calling the DescribeInstances operation: You are "
        "not subscribed to this service. Please go to http://aws.amazon.com to subscribe.",
        "REGION_NOT_ENABLED",
    ),
]


@pytest.mark.parametrize(("text", "code"), CASES, ids=[code for _, code in CASES])
def test_each_is_its_own_finding_with_no_policy_to_add(text: str, code: str) -> None:
    parsed = parse_input(text)
    assert isinstance(parsed, ParsedInput)
    diagnosis = diagnose(parsed)
    assert diagnosis.findings[0].code == code
    assert not any(remedy.changes_iam for remedy in diagnosis.remedies)


def test_an_iam_denial_is_not_taken_for_a_credentials_problem() -> None:
    parsed = parse_input(
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You "
        "are not authorized to perform this operation."
    )
    assert isinstance(parsed, ParsedInput)
    assert parsed.error_code == "UnauthorizedOperation"
    codes = [f.code for f in diagnose(parsed).findings]
    assert not {"CREDENTIALS_EXPIRED", "CREDENTIALS_INVALID", "REGION_NOT_ENABLED"} & set(codes)
