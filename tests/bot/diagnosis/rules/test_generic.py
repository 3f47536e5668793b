"""Rule: the fallback explanation for any other denial."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import generic
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.diagnosis.messages import decoded_message

ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/app/i-0abc"
USER = "arn:aws:iam::111122223333:user/ana"
OBJECT = "arn:aws:s3:::reports/2024/q1.csv"


@pytest.mark.parametrize(
    ("principal", "action", "resource", "explicit", "code", "has_policy"),
    [
        (ROLE_SESSION, "s3:GetObject", OBJECT, False, "IMPLICIT_DENY", True),
        (USER, "s3:GetObject", OBJECT, False, "IMPLICIT_DENY", False),  # no role to attach to
        (ROLE_SESSION, "s3:GetObject", None, False, "IMPLICIT_DENY", False),
        (ROLE_SESSION, "s3:GetObject", OBJECT, None, "ACCESS_DENIED_UNCLEAR", False),
        (ROLE_SESSION, None, OBJECT, False, "NOT_ENOUGH_INFORMATION", False),
    ],
)
def test_code_and_grant(
    make_ctx: RuleContextFactory,
    principal: str,
    action: str | None,
    resource: str | None,
    explicit: bool | None,
    code: str,
    has_policy: bool,
) -> None:
    (hit,) = generic.check(
        make_ctx(decoded_message(principal, action, resource, explicit=explicit))
    )
    assert hit.code == code
    grant = hit.remedies.get("GRANT_ACTION")
    policy = grant.policy if grant else None
    assert (policy is not None) is has_policy
    if policy is not None:
        assert_least_privilege(policy, "s3:GetObject", OBJECT)


def test_nothing_at_all(make_ctx: RuleContextFactory) -> None:
    assert [h.code for h in generic.check(make_ctx())] == ["NOT_ENOUGH_INFORMATION"]
