"""Who may approve a fix: a table of people and what the policy tells them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.approvals import SELF_APPROVAL, ApprovalPolicy, UserInfo, approver_mentions
from bot.config import AccountConfig
from bot.errors import NotAllowed
from bot.fixes import fix_for, fix_ids
from bot.models import FixPlan
from bot.state import Request
from tests.bot.fixes.factories import ACCOUNT, diagnosis, grant_plan

PROD = AccountConfig(
    id=ACCOUNT,
    name="prod",
    regions=["eu-west-1"],
    read_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backup-doctor-read",
    fix_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backup-doctor-fix",
    external_id="ext-id",
    approvers=["U_BOSS", "U_GONE", "U_BOT", "U_GUEST", "U_SINGLE", "U_ASKER", "U_OTHER"],
    approver_groups=["S_OPS"],
)


class Directory:
    """Slack as the policy sees it: a few people and one user group."""

    def __init__(self) -> None:
        self.users = {
            "U_BOSS": UserInfo("U_BOSS"),
            "U_OPS": UserInfo("U_OPS"),
            "U_NOBODY": UserInfo("U_NOBODY"),
            "U_ASKER": UserInfo("U_ASKER"),
            "U_OTHER": UserInfo("U_OTHER"),
            "U_GONE": UserInfo("U_GONE", deleted=True),
            "U_BOT": UserInfo("U_BOT", is_bot=True),
            "U_GUEST": UserInfo("U_GUEST", is_restricted=True),
            "U_SINGLE": UserInfo("U_SINGLE", is_ultra_restricted=True),
        }

    def user(self, user_id: str) -> UserInfo | None:
        return self.users.get(user_id)

    def group_members(self, group_id: str) -> set[str]:
        return {"U_OPS", "U_GONE"} if group_id == "S_OPS" else set()


def fix_request(account_id: str = ACCOUNT, plan: FixPlan | None = None) -> Request:
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    return Request(
        id="a" * 32,
        account_id=account_id,
        region="eu-west-1",
        channel_id="C1",
        thread_ts="1.1",
        requester="U_ASKER",
        diagnosis=diagnosis(),
        state="FIX_REQUESTED",
        created_at=now,
        updated_at=now,
        fix="GRANT_PASSROLE",
        plan=plan or grant_plan("a" * 32),
        fix_requested_by="U_OTHER",
        requested_at=now,
    )


@pytest.fixture
def policy() -> ApprovalPolicy:
    return ApprovalPolicy([PROD], Directory())


@pytest.mark.parametrize(
    ("approver", "refusal"),
    [
        ("U_ASKER", SELF_APPROVAL),  # asked for the diagnosis
        ("U_OTHER", SELF_APPROVAL),  # clicked "request fix"
        ("U_NOBODY", "You are not an approver for prod (111122223333)."),
        ("U_GONE", "Deactivated accounts cannot approve fixes."),
        ("U_BOT", "Bots cannot approve fixes."),
        ("U_GUEST", "Guests cannot approve fixes."),
        ("U_SINGLE", "Guests cannot approve fixes."),
        ("U_STRANGER", "Slack could not confirm who you are."),
        ("USLACKBOT", "Slack could not confirm who you are."),
    ],
)
def test_refused_approvers_are_told_why(
    policy: ApprovalPolicy, approver: str, refusal: str
) -> None:
    with pytest.raises(NotAllowed) as refused:
        policy.check(fix_request(), approver)

    assert refused.value.user_message == refusal


@pytest.mark.parametrize("approver", ["U_BOSS", "U_OPS"], ids=["listed", "group member"])
def test_approvers_of_the_account_may_approve(policy: ApprovalPolicy, approver: str) -> None:
    policy.check(fix_request(), approver)


def test_slackbot_never_approves_even_when_listed() -> None:
    directory = Directory()
    directory.users = {"USLACKBOT": UserInfo("USLACKBOT")}
    account = PROD.model_copy(update={"approvers": ["USLACKBOT"]})

    with pytest.raises(NotAllowed, match="Bots"):
        ApprovalPolicy([account], directory).check(fix_request(), "USLACKBOT")


def test_a_non_approver_is_told_whom_to_ask(policy: ApprovalPolicy) -> None:
    with pytest.raises(NotAllowed) as refused:
        policy.check(fix_request(), "U_NOBODY")

    assert "<@U_BOSS>" in refused.value.next_step
    assert "<!subteam^S_OPS>" in refused.value.next_step


def test_nobody_approves_in_an_account_that_is_not_configured(policy: ApprovalPolicy) -> None:
    with pytest.raises(NotAllowed, match="999999999999 is not configured"):
        policy.check(fix_request(account_id="999999999999"), "U_BOSS")


def test_a_plan_for_another_account_is_never_approved(policy: ApprovalPolicy) -> None:
    elsewhere = grant_plan("a" * 32, account_id="999999999999")

    with pytest.raises(NotAllowed, match="another account"):
        policy.check(fix_request(plan=elsewhere), "U_BOSS")


def test_every_catalogue_fix_has_a_risk_tier() -> None:
    tiers = {fix_id: fix_for(fix_id).tier for fix_id in fix_ids()}
    assert tiers == {
        "RESTORE_WITHOUT_IAM_ROLE": "RESTORE_RERUN",
        "GRANT_PASSROLE": "IAM_CHANGE",
        "GRANT_KMS_KEY_USE": "IAM_CHANGE",
        "REVERT_GRANT": "IAM_CHANGE",
    }


def test_an_iam_change_without_its_policy_is_never_approved(policy: ApprovalPolicy) -> None:
    unreviewable = grant_plan("a" * 32).model_copy(update={"policy": None})

    with pytest.raises(NotAllowed, match="no policy to review"):
        policy.check(fix_request(plan=unreviewable), "U_BOSS")


def test_an_account_without_approvers_says_so() -> None:
    lonely = PROD.model_copy(update={"approvers": [], "approver_groups": []})

    assert approver_mentions(lonely) == "nobody (no approvers are configured)"
