"""The "User: ... is not authorized to perform: ..." sentence in each documented form."""

from __future__ import annotations

import pytest

from bot.inputs.sentence import find_sentence
from bot.models import SentenceDenial

PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-x"
RESOURCE = "arn:aws:iam::111122223333:role/AppRole"
HEAD = f"User: {PRINCIPAL} is not authorized to perform: iam:PassRole on resource: {RESOURCE}"


@pytest.mark.parametrize(
    ("tail", "explicit", "policy_type"),
    [
        ("because no identity-based policy allows the iam:PassRole action", False, "identity"),
        ("because no resource-based policy allows the iam:PassRole action", False, "resource"),
        ("because no session policy allows the iam:PassRole action", False, "session"),
        (
            "because no permissions boundary allows the iam:PassRole action",
            False,
            "permissions_boundary",
        ),
        ("because no VPC endpoint policy allows the iam:PassRole action", False, "vpc_endpoint"),
        ("with an explicit deny in a service control policy", True, "scp"),
        ("with an explicit deny in a resource control policy", True, "rcp"),
        ("with an explicit deny in a permissions boundary", True, "permissions_boundary"),
        ("with an explicit deny in an identity-based policy", True, "identity"),
        ("with an explicit deny in a resource-based policy", True, "resource"),
        ("with an explicit deny in a session policy", True, "session"),
        ("with an explicit deny in a VPC endpoint policy", True, "vpc_endpoint"),
        (
            "with an explicit deny in a service control policy: arn:aws:organizations::1:policy/p",
            True,
            "scp",
        ),
        ("due to an explicit deny in a Service Control Policy", True, "scp"),
        ("with an explicit deny", True, None),
        ("", None, None),
    ],
)
def test_reason_sets_deny_kind_and_policy_type(
    tail: str, explicit: bool | None, policy_type: str | None
) -> None:
    assert find_sentence(f"{HEAD} {tail}.") == SentenceDenial(
        principal_arn=PRINCIPAL,
        action="iam:PassRole",
        resource=RESOURCE,
        explicit_deny=explicit,
        policy_type=policy_type,
        # the deciding policy's ARN, when the sentence names it, is kept
        policy_arn=tail.partition(": ")[2] or None,
    )


def test_sentence_wrapped_over_lines_is_read() -> None:
    text = (
        HEAD.replace(" on resource", "\non resource")
        + "\nwith an explicit deny in a\nservice control policy"
    )
    sentence = find_sentence(text)
    assert sentence is not None
    assert (sentence.resource, sentence.policy_type) == (RESOURCE, "scp")


def test_quoted_resource_loses_its_quotes() -> None:
    text = (
        f"User: {PRINCIPAL} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::bucket/key" because no resource-based policy allows the s3:GetObject action'
    )
    sentence = find_sentence(text)
    assert sentence is not None
    assert sentence.resource == "arn:aws:s3:::bucket/key"


def test_sentence_without_resource() -> None:
    sentence = find_sentence(
        f"User: {PRINCIPAL} is not authorized to perform: sts:GetCallerIdentity"
    )
    assert sentence is not None
    assert (sentence.action, sentence.resource) == ("sts:GetCallerIdentity", None)


def test_values_that_are_not_arns_are_unknown() -> None:
    text = "User:arntest is not authorized to perform: ec2:RunInstances on resource: ARN* because"
    assert find_sentence(text) == SentenceDenial(action="ec2:RunInstances")


def test_no_sentence_in_other_text() -> None:
    assert find_sentence("You are not authorized to perform this operation.") is None
