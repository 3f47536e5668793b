"""An explicit deny: explained with its Sid and conditions, routed to its owner, never "fixed"."""

from __future__ import annotations

from bot.diagnosis.conditions import describe_conditions, describe_meanings
from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details
from bot.models import MatchedStatement

CODES = {
    "scp": "EXPLICIT_DENY_SCP",
    "rcp": "EXPLICIT_DENY_RCP",
    "permissions_boundary": "EXPLICIT_DENY_PERMISSIONS_BOUNDARY",
    "identity": "EXPLICIT_DENY_IDENTITY",
    "resource": "EXPLICIT_DENY_RESOURCE",
    "session": "EXPLICIT_DENY_SESSION",
    "vpc_endpoint": "EXPLICIT_DENY_VPC_ENDPOINT",
}
UNKNOWN_POLICY = "EXPLICIT_DENY_UNKNOWN_POLICY"


def _deny_statements(ctx: RuleContext) -> list[MatchedStatement]:
    statements = ctx.denial.matched_statements if ctx.denial else []
    return [s for s in statements if s.effect in (None, "DENY")]


def _merged_conditions(statements: list[MatchedStatement]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for statement in statements:
        for key, values in statement.conditions.items():
            merged.setdefault(key, []).extend(v for v in values if v not in merged.get(key, []))
    return merged


def _meaning(conditions: dict[str, list[str]], statements_known: bool, ctx: RuleContext) -> str:
    if conditions:
        return describe_meanings(conditions)
    if statements_known:
        return "the statement denies the action outright"
    if ctx.parsed.authorization_id:
        return "not known until AWS's authorization details are read"
    if ctx.parsed.encoded_message:
        return "not known until the encoded message is decoded"
    return "not shown in the error"


def _sid_text(statements: list[MatchedStatement], read: bool) -> str:
    """``DenyAll``, ``DenyAll in arn:...:policy/X``, or what is not shown."""
    sids = ", ".join(dict.fromkeys(s.sid for s in statements if s.sid))
    policies = ", ".join(dict.fromkeys(s.policy for s in statements if s.policy))
    if not sids:
        sids = "no Sid" if read and statements else "Sid not shown"
        return f"in {policies}; {sids}" if policies else sids
    return f"{sids} in {policies}" if policies else sids


def check(ctx: RuleContext) -> list[Hit]:
    """One EXPLICIT_DENY_* finding naming the policy type when the inputs tell it."""
    if ctx.explicit_deny is not True:
        return []
    statements = _deny_statements(ctx)
    sources = ctx.denial.sources if ctx.denial else []
    # a statement the sentence only names (its policy ARN) says nothing of its conditions
    read = bool(statements) and ("decoded_message" in sources or "authorization_details" in sources)
    conditions = _merged_conditions(statements)
    details = base_details(ctx) | {
        "sid": _sid_text(statements, read),
        "conditions": describe_conditions(conditions) if read else "not shown",
        "meaning": _meaning(conditions, read, ctx),
    }
    if ctx.policy_type == "permissions_boundary":
        details["sid"] = "permissions boundary"
    skip = set()
    if not conditions:
        skip.add("MEET_POLICY_CONDITION")
    if read or ctx.parsed.authorization_id:
        skip.add("DECODE_FULL_MESSAGE")  # the authorization details say it all
    code = CODES.get(ctx.policy_type or "", UNKNOWN_POLICY)
    return [Hit(code, details, skip=frozenset(skip))]
