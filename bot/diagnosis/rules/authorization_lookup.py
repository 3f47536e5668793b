"""What IAM Access Troubleshooter said about the error's authorization ID, or why it said nothing.

Found: a note names the source (the evaluation AWS made for this very request) and how many of
its checks denied. Not found yet, expired, no permission, a failed or skipped call: the answer
falls back to what the text says, and the note says why and what to do.
"""

from __future__ import annotations

from bot.diagnosis.authorization import denied_evaluations
from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details
from bot.models import AuthorizationLookup, ParsedInput

CODES = {
    "found": "AUTHORIZATION_DETAILS_READ",
    "not_found": "AUTHORIZATION_DETAILS_NOT_FOUND",
    "no_permission": "AUTHORIZATION_DETAILS_NO_PERMISSION",
    "failed": "AUTHORIZATION_DETAILS_FAILED",
    "not_read": "AUTHORIZATION_DETAILS_NOT_READ",
}


def check(ctx: RuleContext) -> list[Hit]:
    """One AUTHORIZATION_DETAILS_* note when the text carries an authorization ID."""
    lookup = ctx.authorization
    if lookup is None:
        if ctx.parsed.authorization_id is None:
            return []
        lookup = AuthorizationLookup(
            authorization_id=ctx.parsed.authorization_id, status="not_read"
        )
    details = base_details(ctx) | {
        "authorization_id": lookup.authorization_id,
        "where": _where(lookup, ctx.parsed),
        "problem": lookup.problem
        or ("no AWS call was made" if lookup.status == "not_read" else "AWS did not say why"),
    }
    if lookup.status == "found" and lookup.details is not None:
        evaluations = lookup.details.get("evaluations")
        count = len(evaluations) if isinstance(evaluations, list) else 0
        details |= {
            "evaluations": str(count),
            "denied": str(len(denied_evaluations(lookup.details))),
        }
    return [Hit(CODES[lookup.status], details)]


def _where(lookup: AuthorizationLookup, parsed: ParsedInput) -> str:
    account_id = lookup.account_id or parsed.account_id
    account = f"account {account_id}" if account_id else "the denied account"
    region = lookup.region or parsed.authorization_region
    return f"{account} ({region})" if region else account
