"""The approval card: exactly what a fix will change, and Approve / Deny until someone decides."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot import slack_ids
from bot.arns import role_name
from bot.blocks import slack_limits as limits
from bot.blocks.elements import actions, button, confirm, context, fields_section, section
from bot.blocks.mrkdwn import code, code_block, date, literal, mention, plain
from bot.models import FixPlan, RequestState

#: inline policy names listed before "and N more"
SHOWN_POLICY_NAMES = 10
_APPROVED_STATES = {"APPROVED", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "REVERTED"}


def approval_card(
    plan: FixPlan,
    *,
    request_id: str,
    requester: str,
    remedy_title: str,
    state: RequestState,
    decided_by: str | None = None,
    decided_at: datetime | None = None,
    diff: str | None = None,
    reason: str | None = None,
) -> list[Block]:
    """What will change (policy, diff, simulation, restore) and the decision, or its buttons."""
    blocks: list[Block] = [
        section(f"*Fix requested:* {literal(remedy_title, 300)}\nAsked by {mention(requester)}"),
        section(literal(plan.summary, 1000)),
        fields_section(_facts(plan)),
        *change_blocks(plan, diff),
    ]
    if state == "FIX_REQUESTED":
        blocks.append(_decision_buttons(plan, request_id))
        blocks.append(context(f"Someone other than {mention(requester)} must approve."))
    else:
        blocks.append(section(decision_line(state, decided_by, decided_at, reason)))
    blocks.append(context(f"Request {code(request_id, 140)}"))
    return blocks[: limits.MESSAGE_BLOCKS]


def change_blocks(plan: FixPlan, diff: str | None) -> list[Block]:
    """The policy document, the diff against the role's inline policies, simulation, restore."""
    blocks: list[Block] = []
    if plan.policy is not None:
        blocks.append(section("*Policy to add*\n" + code_block(_json(plan.policy), 2900)))
    if diff:
        blocks.append(section("*Change to the role's inline policies*\n" + code_block(diff, 2900)))
    elif plan.role_arn:
        blocks.append(section(_current_policies(plan)))
    if plan.simulation_before or plan.simulation_after:
        before = code(plan.simulation_before or "unknown", 100)
        after = code(plan.simulation_after or "unknown", 100)
        blocks.append(section(f"*Policy simulation:* {before} now, {after} after the change"))
    if plan.restore_params is not None:
        params = code_block(_json(plan.restore_params), 2900)
        blocks.append(section("*Restore to start*\n" + params))
    return blocks


def decision_line(
    state: RequestState, by: str | None, at: datetime | None, reason: str | None
) -> str:
    """'Approved by @x at <time>', 'Denied by …' with the reason, or why nobody decided."""
    who = f" by {mention(by)}" if by else ""
    when = f" at {date(at)}" if at else ""
    if state in _APPROVED_STATES:
        return f":white_check_mark: Approved{who}{when}"
    if state == "DENIED":
        why = f"\n>{literal(' '.join(reason.split()), 1000)}" if reason else ""
        return f":no_entry_sign: Denied{who}{when}{why}"
    if state == "EXPIRED":
        return ":hourglass: Nobody decided in time, so the request expired. Nothing was changed."
    return "Not requested yet."


def _facts(plan: FixPlan) -> list[str]:
    role = role_name(plan.role_arn) or plan.role_arn
    facts = [f"*Account*\n{code(plan.account_id, 40)}", f"*Region*\n{literal(plan.region, 40)}"]
    if role:
        facts.append(f"*Role*\n{code(role, 300)}")
    if plan.policy_name:
        facts.append(f"*Inline policy*\n{code(plan.policy_name, 300)}")
    return facts


def _current_policies(plan: FixPlan) -> str:
    names = sorted(plan.current_inline_policies)
    if not names:
        return "The role has no inline policies today."
    shown = ", ".join(code(n, 130) for n in names[:SHOWN_POLICY_NAMES])
    more = len(names) - SHOWN_POLICY_NAMES
    return f"*Inline policies on the role today:* {shown}" + (
        f" and {more} more" if more > 0 else ""
    )


def _decision_buttons(plan: FixPlan, request_id: str) -> Block:
    value = slack_ids.encode_value(request_id, plan.fix)
    where = f"account {plan.account_id} ({plan.region})"
    approve = confirm(
        "Approve this fix?",
        f"{plain(plan.summary, 200)} It runs in {where} right after you approve.",
        "Approve",
        "primary",
    )
    deny = confirm(
        "Deny this fix?",
        "Nothing changes in AWS. The requester sees that you denied it.",
        "Deny",
        "danger",
    )
    return actions(
        [
            button("Approve", slack_ids.ACTION_APPROVE, value, style="primary", dialog=approve),
            button("Deny", slack_ids.ACTION_DENY, value, style="danger", dialog=deny),
        ],
        slack_ids.block_id(slack_ids.BLOCK_DECISION, request_id),
    )


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)
