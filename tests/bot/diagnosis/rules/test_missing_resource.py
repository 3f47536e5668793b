"""Rule: an S3 403 or a refused AssumeRole may be a missing resource, said beside the denial."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose
from bot.pipeline import parse

USER = "arn:aws:iam::111122223333:user/ci"


def _codes(text: str) -> tuple[list[str], list[str]]:
    diagnosis = diagnose(parse(text))
    return [f.code for f in diagnosis.findings], [r.id for r in diagnosis.remedies]


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("An error occurred (403) when calling the HeadObject operation: Forbidden",
         "S3_OBJECT_MAY_NOT_EXIST"),
        ("An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
         "S3_OBJECT_MAY_NOT_EXIST"),
        (f"User: {USER} is not authorized to perform: s3:GetObject on resource: "
         "arn:aws:s3:::reports/2026/12/q4.csv because no identity-based policy allows the "
         "s3:GetObject action", "S3_OBJECT_MAY_NOT_EXIST"),
        ("An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
         f"{USER} is not authorized to perform: sts:AssumeRole on resource: "
         "arn:aws:iam::444455556666:role/Deploy", "ROLE_MAY_NOT_EXIST"),
    ],
    ids=["head-object-403", "get-object", "sentence-get-object", "assume-role"],
)  # fmt: skip
def test_a_missing_resource_is_named_as_a_possible_cause(text: str, finding: str) -> None:
    codes, remedies = _codes(text)
    assert finding in codes
    assert "DECODE_FULL_MESSAGE" not in remedies  # S3 and STS never encode their denials


def test_the_object_and_the_check_are_spelled_out() -> None:
    diagnosis = diagnose(
        parse(
            f"User: {USER} is not authorized to perform: s3:GetObject on resource: "
            "arn:aws:s3:::reports/2026/q4.csv because no identity-based policy allows the "
            "s3:GetObject action"
        )
    )
    finding = next(f for f in diagnosis.findings if f.code == "S3_OBJECT_MAY_NOT_EXIST")
    assert "s3://reports/2026/q4.csv" in finding.explanation
    check = next(r for r in diagnosis.remedies if r.id == "CHECK_S3_OBJECT_EXISTS")
    assert "--bucket reports --key 2026/q4.csv" in check.description
    assert "IMPLICIT_DENY" in [f.code for f in diagnosis.findings]  # the grant stays offered


def test_the_role_check_names_the_role_and_its_account() -> None:
    diagnosis = diagnose(
        parse(
            f"User: {USER} is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::444455556666:role/deploy/Deploy"
        )
    )
    check = next(r for r in diagnosis.remedies if r.id == "CHECK_ROLE_EXISTS")
    assert "In account 444455556666" in check.description
    assert "--role-name Deploy" in check.description


@pytest.mark.parametrize(
    "text",
    [
        f"User: {USER} is not authorized to perform: s3:GetObject on resource: "
        "arn:aws:s3:::reports/q4.csv with an explicit deny in a service control policy",
        "An error occurred (ExpiredToken) when calling the GetObject operation: The provided "
        "token has expired.",
        f"User: {USER} is not authorized to perform: s3:PutObject on resource: "
        "arn:aws:s3:::reports/q4.csv because no identity-based policy allows the s3:PutObject "
        "action",
    ],
    ids=["explicit-deny", "expired-token", "a-write"],
)
def test_not_said_when_the_resource_is_not_in_question(text: str) -> None:
    codes, _ = _codes(text)
    assert "S3_OBJECT_MAY_NOT_EXIST" not in codes
