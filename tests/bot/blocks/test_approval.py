"""The approval card: the exact change, and buttons only until someone decides."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot import slack_ids
from bot.blocks import approval_card
from bot.models import FixPlan, RequestState
from tests.bot.blocks.samples import ACCOUNT, make_plan
from tests.bot.blocks.slack_checks import as_dicts, assert_within_slack_limits, mrkdwn_texts

DECIDED_AT = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


def _card(plan: FixPlan, state: RequestState = "FIX_REQUESTED", **kwargs: Any) -> Any:
    blocks = approval_card(
        plan,
        request_id="req-1",
        requester="U0REQUESTER",
        remedy_title="Let the restore role pass the instance role",
        state=state,
        **kwargs,
    )
    assert_within_slack_limits(blocks)
    return blocks


def _buttons(blocks: Any) -> list[dict[str, Any]]:
    return [e for b in as_dicts(blocks) if b["type"] == "actions" for e in b["elements"]]


def test_card_shows_who_asked_and_what_will_happen(plan: FixPlan) -> None:
    texts = mrkdwn_texts(_card(plan))
    assert texts[0] == (
        "*Fix requested:* Let the restore role pass the instance role\nAsked by <@U0REQUESTER>"
    )
    assert texts[1] == plan.summary
    assert texts[2:6] == [
        f"*Account*\n`{ACCOUNT}`",
        "*Region*\neu-west-1",
        "*Role*\n`AWSBackupDefaultServiceRole`",
        "*Inline policy*\n`backup-doctor-passrole`",
    ]


def test_policy_document_is_shown_in_full_in_a_code_block(plan: FixPlan) -> None:
    policy = next(t for t in mrkdwn_texts(_card(plan)) if t.startswith("*Policy to add*"))
    assert '"Action": "iam:PassRole"' in policy
    assert policy.count("```") == 2


def test_diff_is_shown_when_given(plan: FixPlan) -> None:
    texts = mrkdwn_texts(_card(plan, diff="+ backup-doctor-passrole"))
    assert "*Change to the role's inline policies*\n```\n+ backup-doctor-passrole\n```" in texts


def test_without_a_diff_the_current_inline_policies_are_named(plan: FixPlan) -> None:
    assert "*Inline policies on the role today:* `existing`" in mrkdwn_texts(_card(plan))


def test_simulation_and_restore_parameters_are_shown(plan: FixPlan) -> None:
    texts = mrkdwn_texts(_card(plan))
    assert "*Policy simulation:* `implicitDeny` now, `allowed` after the change" in texts
    assert any(t.startswith("*Restore to start*\n```") and "RecoveryPointArn" in t for t in texts)


def test_waiting_card_has_approve_and_deny_with_confirm_dialogs(plan: FixPlan) -> None:
    approve, deny = _buttons(_card(plan))
    assert (approve["action_id"], approve["style"]) == (slack_ids.ACTION_APPROVE, "primary")
    assert (deny["action_id"], deny["style"]) == (slack_ids.ACTION_DENY, "danger")
    assert slack_ids.decode_value(approve["value"]) == ("req-1", "GRANT_PASSROLE")
    assert approve["confirm"]["title"]["text"] == "Approve this fix?"
    assert approve["confirm"]["text"]["text"].endswith(
        f"It runs in account {ACCOUNT} (eu-west-1) right after you approve."
    )
    assert deny["confirm"]["text"]["text"] == (
        "Nothing changes in AWS. The requester sees that you denied it."
    )


@pytest.mark.parametrize("state", ["APPROVED", "RUNNING", "SUCCEEDED", "FAILED"])
def test_approved_card_has_no_buttons_and_says_who_approved(
    plan: FixPlan, state: RequestState
) -> None:
    blocks = _card(plan, state, decided_by="U0APPROVER", decided_at=DECIDED_AT)
    assert _buttons(blocks) == []
    assert (
        f":white_check_mark: Approved by <@U0APPROVER> at <!date^{int(DECIDED_AT.timestamp())}"
        "^{date_short_pretty} {time}|2025-03-04 10:30 UTC>"
    ) in mrkdwn_texts(blocks)


def test_denied_card_quotes_the_reason(plan: FixPlan) -> None:
    blocks = _card(plan, "DENIED", decided_by="U0APPROVER", reason="Use the\nrestore instead")
    assert ":no_entry_sign: Denied by <@U0APPROVER>\n>Use the restore instead" in mrkdwn_texts(
        blocks
    )


def test_expired_card_says_nothing_changed(plan: FixPlan) -> None:
    texts = mrkdwn_texts(_card(plan, "EXPIRED"))
    assert (
        ":hourglass: Nobody decided in time, so the request expired. Nothing was changed." in texts
    )


def test_decider_that_is_not_a_user_id_is_escaped_text(plan: FixPlan) -> None:
    texts = mrkdwn_texts(_card(plan, "APPROVED", decided_by="<!channel>"))
    assert ":white_check_mark: Approved by &lt;!channel&gt;" in texts


def test_huge_policy_and_parameters_are_cut_visibly() -> None:
    plan = make_plan(
        policy={"Statement": [{"Resource": f"arn:{i}:" + "r" * 500} for i in range(100)]},
        restore_params={"Metadata": {f"k{i}": "v" * 500 for i in range(100)}},
    )
    texts = mrkdwn_texts(_card(plan, diff="x" * 50_000))
    assert sum("… (truncated)" in t for t in texts) == 3


def test_many_inline_policies_show_ten_names_and_a_count() -> None:
    plan = make_plan(current_inline_policies={f"p{i:02}": {} for i in range(50)})
    listing = next(t for t in mrkdwn_texts(_card(plan)) if "Inline policies on the role" in t)
    assert listing.count("`") == 20
    assert listing.endswith(" and 40 more")
