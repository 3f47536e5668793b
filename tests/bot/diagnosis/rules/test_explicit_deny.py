"""Rule: explicit denies are explained with Sid and conditions and routed, never granted."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import explicit_deny
from bot.models import PolicyType, SentenceDenial
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.messages import decoded_message, deny_statement

CALLER = "arn:aws:sts::111122223333:assumed-role/Developer/ana"


@pytest.mark.parametrize(
    ("policy_type", "code"),
    [
        ("scp", "EXPLICIT_DENY_SCP"),
        ("rcp", "EXPLICIT_DENY_RCP"),
        ("permissions_boundary", "EXPLICIT_DENY_PERMISSIONS_BOUNDARY"),
        ("identity", "EXPLICIT_DENY_IDENTITY"),
        ("resource", "EXPLICIT_DENY_RESOURCE"),
        ("session", "EXPLICIT_DENY_SESSION"),
        ("vpc_endpoint", "EXPLICIT_DENY_VPC_ENDPOINT"),
        (None, "EXPLICIT_DENY_UNKNOWN_POLICY"),
    ],
)
def test_code_per_policy_type(
    make_ctx: RuleContextFactory, policy_type: PolicyType | None, code: str
) -> None:
    sentence = SentenceDenial(explicit_deny=True, policy_type=policy_type)
    ctx = make_ctx(
        decoded_message(CALLER, "ec2:RunInstances", statements=[deny_statement()]), sentence
    )
    assert [h.code for h in explicit_deny.check(ctx)] == [code]


def test_sid_conditions_and_their_meaning(make_ctx: RuleContextFactory) -> None:
    statement = deny_statement(
        "DenyOutsideEU", conditions={"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}
    )
    ctx = make_ctx(
        decoded_message(CALLER, "ec2:RunInstances", explicit=True, statements=[statement])
    )
    (hit,) = explicit_deny.check(ctx)
    assert hit.details["sid"] == "DenyOutsideEU"
    assert hit.details["conditions"] == "aws:RequestedRegion=eu-west-1,eu-central-1"
    assert "Region" in hit.details["meaning"]
    assert hit.skip == frozenset({"DECODE_FULL_MESSAGE"})


def test_unconditional_deny_skips_meeting_a_condition(make_ctx: RuleContextFactory) -> None:
    ctx = make_ctx(
        decoded_message(CALLER, "ec2:RunInstances", explicit=True, statements=[deny_statement()])
    )
    (hit,) = explicit_deny.check(ctx)
    assert "MEET_POLICY_CONDITION" in hit.skip


def test_sentence_without_statements_asks_for_the_decoded_message(
    make_ctx: RuleContextFactory,
) -> None:
    sentence = SentenceDenial(
        principal_arn=CALLER, action="ec2:RunInstances", explicit_deny=True, policy_type="scp"
    )
    (hit,) = explicit_deny.check(make_ctx(None, sentence))
    assert (hit.details["sid"], hit.details["conditions"]) == ("Sid not shown", "not shown")
    assert hit.details["meaning"] == "not shown in the error"
    assert "DECODE_FULL_MESSAGE" not in hit.skip


def test_the_policy_the_sentence_names_is_shown_with_the_sid_unknown(
    make_ctx: RuleContextFactory,
) -> None:
    policy = "arn:aws:iam::123456789012:policy/ExampleDenyPolicy"
    sentence = SentenceDenial(
        principal_arn=CALLER,
        action="iam:CreateInstanceProfile",
        explicit_deny=True,
        policy_type="identity",
        policy_arn=policy,
    )
    (hit,) = explicit_deny.check(make_ctx(None, sentence))
    assert hit.details["sid"] == f"in {policy}; Sid not shown"
    assert hit.details["conditions"] == "not shown"  # the sentence names it, it does not show it


@pytest.mark.parametrize("explicit", [False, None])
def test_silent_unless_explicit(make_ctx: RuleContextFactory, explicit: bool | None) -> None:
    ctx = make_ctx(decoded_message(CALLER, "ec2:RunInstances", explicit=explicit))
    assert explicit_deny.check(ctx) == []
