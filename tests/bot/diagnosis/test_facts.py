"""build_denial: facts merged from the decoded message, the sentence and the job."""

from __future__ import annotations

from typing import Any

import pytest

from bot.diagnosis.facts import build_denial
from bot.models import Job, SentenceDenial
from tests.bot.diagnosis.messages import (
    BACKUP_SESSION,
    INSTANCE_ROLE,
    RESTORE_ROLE,
    decoded_message,
    deny_statement,
)


def test_nothing_known_is_none() -> None:
    assert build_denial(None) is None
    assert build_denial({"items": []}) is None
    assert build_denial({"context": {"principal": {"arn": "[redacted]"}}}) is None


def test_job_alone_is_not_a_denial(restore_job: Job) -> None:
    assert build_denial(None, job=restore_job) is None


@pytest.mark.parametrize(
    ("raw", "resource", "context", "statement_actions", "expected"),
    [
        (
            "RunInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
            {},
            (),
            "ec2:RunInstances",
        ),
        ("RunInstances", None, {"aws:Service": "ec2"}, (), "ec2:RunInstances"),
        ("RunInstances", None, {}, ("ec2:RunInstances",), "ec2:RunInstances"),
        ("AssumeRole", "arn:aws:iam::111122223333:role/X", {}, (), "sts:AssumeRole"),
        ("PassRole", INSTANCE_ROLE, {"aws:Service": "ec2"}, (), "iam:PassRole"),
        ("RunInstances", None, {}, (), None),
        ("EC2:RunInstances", None, {}, (), "ec2:RunInstances"),
    ],
)
def test_action_is_normalised(
    raw: str,
    resource: str | None,
    context: dict[str, str],
    statement_actions: tuple[str, ...],
    expected: str | None,
) -> None:
    statements = [deny_statement(actions=statement_actions)] if statement_actions else None
    message = decoded_message(
        "arn:aws:iam::111122223333:user/u", raw, resource, None, context, statements
    )
    denial = build_denial(message)
    assert denial is not None
    assert denial.action == expected


@pytest.mark.parametrize(
    ("principal", "role"),
    [
        (BACKUP_SESSION, "arn:aws:iam::111122223333:role/AWSBackupDefaultServiceRole"),
        (
            "arn:aws-cn:sts::111122223333:assumed-role/R/i-0abc",
            "arn:aws-cn:iam::111122223333:role/R",
        ),
        # a masked account: the role is still named, as written (and flagged as redacted)
        ("arn:aws:sts::[redacted]:assumed-role/R/S", "arn:aws:iam::[redacted]:role/R"),
        ("arn:aws:iam::111122223333:user/dev/ana", None),
        ("arn:aws:iam::111122223333:role/direct", "arn:aws:iam::111122223333:role/direct"),
    ],
)
def test_role_behind_the_principal(principal: str, role: str | None) -> None:
    denial = build_denial(decoded_message(principal, "iam:PassRole", INSTANCE_ROLE))
    assert denial is not None
    assert denial.role_arn == role


def test_job_role_wins_and_sources_list_every_input(restore_job: Job) -> None:
    sentence = SentenceDenial(
        principal_arn=BACKUP_SESSION, action="iam:PassRole", explicit_deny=False
    )
    message = decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE)
    denial = build_denial(message, sentence, restore_job)
    assert denial is not None
    assert denial.role_arn == RESTORE_ROLE
    assert denial.sources == ["decoded_message", "sentence", "job"]
    assert denial.explicit_deny is False  # the message does not say; the sentence does


@pytest.mark.parametrize(
    ("message", "hint", "expected"),
    [
        (
            decoded_message("arn:aws:sts::111122223333:assumed-role/R/S", "ec2:RunInstances"),
            None,
            "111122223333",
        ),
        # no real account anywhere: the masked one as written
        (decoded_message("arn:aws:iam::accountID:user/u", "iam:PassRole"), None, "accountID"),
        (
            decoded_message("arn:aws:iam::accountID:user/u", "iam:PassRole"),
            "444455556666",
            "444455556666",
        ),
        (
            decoded_message(
                "arn:aws:iam::[redacted]:user/u",
                "ec2:RunInstances",
                context={"aws:Account": "555566667777"},
            ),
            None,
            "555566667777",
        ),
        (
            decoded_message(
                "arn:aws:iam::[redacted]:user/u",
                "ec2:RunInstances",
                context={"aws:Account": "accountID"},
            ),
            None,
            "[redacted]",
        ),
    ],
)
def test_a_real_account_wins_and_a_masked_one_is_kept_as_written_and_flagged(
    message: dict[str, Any], hint: str | None, expected: str | None
) -> None:
    denial = build_denial(message, account_id=hint)
    assert denial is not None
    assert denial.account_id == expected
    assert ("account_id" in denial.redacted) is not (expected or "").isdigit()


@pytest.mark.parametrize(
    ("context", "resource", "hint", "expected"),
    [
        ({"aws:Region": "eu-west-1"}, None, None, "eu-west-1"),
        ({"ec2:Region": "ap-southeast-2"}, None, None, "ap-southeast-2"),
        ({}, "arn:aws:ec2:us-west-2:111122223333:instance/*", None, "us-west-2"),
        ({}, INSTANCE_ROLE, "eu-central-1", "eu-central-1"),
        ({}, INSTANCE_ROLE, None, None),
        ({"aws:Region": "*"}, None, None, None),
    ],
)
def test_region(
    context: dict[str, str], resource: str | None, hint: str | None, expected: str | None
) -> None:
    message = decoded_message(
        "arn:aws:iam::111122223333:user/u", "ec2:RunInstances", resource, context=context
    )
    denial = build_denial(message, region=hint)
    assert denial is not None
    assert denial.region == expected


@pytest.mark.parametrize(
    ("explicit", "statements", "expected"),
    [
        (True, [], True),
        (False, [], False),
        (None, [deny_statement()], True),
        (None, [], None),
        (None, None, None),
    ],
)
def test_explicit_deny(
    explicit: bool | None, statements: list[dict[str, Any]] | None, expected: bool | None
) -> None:
    message = decoded_message(
        "arn:aws:iam::111122223333:user/u",
        "ec2:RunInstances",
        explicit=explicit,
        statements=statements,
    )
    denial = build_denial(message)
    assert denial is not None
    assert denial.explicit_deny == expected


def test_boundary_principal_means_permissions_boundary() -> None:
    statement = deny_statement(sid="", principal="SCOPE_POLICY_ISSUER")
    message = decoded_message(
        BACKUP_SESSION, "ec2:RunInstances", explicit=True, statements=[statement]
    )
    denial = build_denial(message)
    assert denial is not None
    assert denial.policy_type == "permissions_boundary"
    assert denial.matched_statements[0].sid == ""


def test_sentence_policy_type_wins_over_the_message() -> None:
    message = decoded_message(
        BACKUP_SESSION, "ec2:RunInstances", explicit=True, statements=[deny_statement()]
    )
    denial = build_denial(message, SentenceDenial(policy_type="scp", explicit_deny=True))
    assert denial is not None
    assert denial.policy_type == "scp"


def test_several_statements_and_their_conditions_are_kept() -> None:
    statements = [
        deny_statement("RequireTeam", conditions={"aws:RequestTag/team": ["true"]}),
        deny_statement("RequireStage", conditions={"aws:RequestTag/stage": ["true"]}),
    ]
    message = decoded_message(
        BACKUP_SESSION, "ec2:RunInstances", explicit=True, statements=statements
    )
    denial = build_denial(message)
    assert denial is not None
    assert [s.sid for s in denial.matched_statements] == ["RequireTeam", "RequireStage"]
    assert denial.matched_statements[1].conditions == {"aws:RequestTag/stage": ["true"]}


def test_cli_wrapper_with_json_string_is_unwrapped() -> None:
    inner = (
        '{"explicitDeny":false,"context":{"action":"iam:PassRole","resource":"'
        + INSTANCE_ROLE
        + '"}}'
    )
    denial = build_denial({"DecodedMessage": inner})
    assert denial is not None
    assert (denial.action, denial.explicit_deny) == ("iam:PassRole", False)


def test_sentence_resource_that_is_not_an_arn_is_unknown() -> None:
    denial = build_denial(
        None, SentenceDenial(principal_arn="arntest", action="ec2:RunInstances", resource="ARN*")
    )
    assert denial is not None
    assert (denial.principal_arn, denial.resource, denial.action) == (
        None,
        None,
        "ec2:RunInstances",
    )
