"""Where a cut or left-out encoded message was looked for in CloudTrail, and what came of it.

Found and decoded: a note names the event the whole message came from, so anyone can open it.
Found but not decoded, not found, not asked: the cut-message finding stays, and the note says what
was tried, so nobody searches the same window again by hand.
"""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details
from bot.models import TrailLookup


def check(ctx: RuleContext) -> list[Hit]:
    """MESSAGE_FROM_CLOUDTRAIL, MESSAGE_IN_CLOUDTRAIL_NOT_DECODED, MESSAGE_NOT_IN_CLOUDTRAIL,
    CLOUDTRAIL_NOT_READ."""
    lookup = ctx.cloudtrail
    if lookup is None:
        return []
    details = base_details(ctx) | {
        "called_api": lookup.called_api,
        "where": _where(lookup),
        "problem": lookup.problem or "AWS did not say why",
    }
    if lookup.status == "found":
        when = lookup.event_time
        details |= {
            "event_id": lookup.event_id or "unknown",
            "event_time": when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else "an unknown time",
            "event_region": lookup.region or "its Region",
        }
        decoded = ctx.denial is not None and "decoded_message" in ctx.denial.sources
        code = "MESSAGE_FROM_CLOUDTRAIL" if decoded else "MESSAGE_IN_CLOUDTRAIL_NOT_DECODED"
        return [Hit(code, details)]
    if lookup.status == "not_found":
        return [Hit("MESSAGE_NOT_IN_CLOUDTRAIL", details)]
    return [Hit("CLOUDTRAIL_NOT_READ", details)]


def _where(lookup: TrailLookup) -> str:
    account = f"account {lookup.account_id}" if lookup.account_id else "the account"
    regions = ", ".join(lookup.regions)
    return f"{account} ({regions})" if regions else account
