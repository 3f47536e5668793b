"""Rule: implicit denies by a policy that caps permissions (SCP, boundary, session, ...)."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import guardrail
from bot.models import PolicyType, SentenceDenial
from tests.bot.diagnosis.conftest import RuleContextFactory

CALLER = "arn:aws:sts::111122223333:assumed-role/Developer/ana"


@pytest.mark.parametrize(
    ("policy_type", "explicit", "label"),
    [
        ("permissions_boundary", False, "permissions boundary"),
        ("scp", False, "service control policy (SCP)"),
        ("session", False, "session policy"),
        ("vpc_endpoint", False, "VPC endpoint policy"),
        ("resource", False, "resource-based policy"),
        ("identity", False, None),
        (None, False, None),
        ("scp", True, None),
    ],
)
def test_when_it_fires(
    make_ctx: RuleContextFactory, policy_type: PolicyType | None, explicit: bool, label: str | None
) -> None:
    sentence = SentenceDenial(
        principal_arn=CALLER, action="s3:GetObject", explicit_deny=explicit, policy_type=policy_type
    )
    hits = guardrail.check(make_ctx(None, sentence))
    assert [h.details["policy_label"] for h in hits] == ([label] if label else [])
