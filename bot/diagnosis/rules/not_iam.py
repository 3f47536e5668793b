"""Not every "not authorized" is an IAM denial: the caller's credentials, or a disabled Region.

No policy change helps with these, so they are told apart by the AWS error code the text shows
and get their own next steps (IAM documentation, "Troubleshoot IAM": the security token errors).
"""

from __future__ import annotations

from typing import Final

from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details

#: AWS error code -> finding code
CODES: Final = {
    "ExpiredToken": "CREDENTIALS_EXPIRED",
    "ExpiredTokenException": "CREDENTIALS_EXPIRED",
    "RequestExpired": "CREDENTIALS_EXPIRED",
    "InvalidClientTokenId": "CREDENTIALS_INVALID",
    "UnrecognizedClientException": "CREDENTIALS_INVALID",
    "SignatureDoesNotMatch": "SIGNATURE_MISMATCH",
    "OptInRequired": "REGION_NOT_ENABLED",
}


def check(ctx: RuleContext) -> list[Hit]:
    """CREDENTIALS_EXPIRED, CREDENTIALS_INVALID, SIGNATURE_MISMATCH or REGION_NOT_ENABLED."""
    finding = CODES.get(ctx.parsed.error_code or "")
    if finding is None:
        return []
    details = base_details(ctx) | {
        "error_code": ctx.parsed.error_code or "",
        "called_api": ctx.parsed.called_api or "the call",
        "region": ctx.parsed.region or (ctx.denial.region if ctx.denial else None) or "that Region",
    }
    return [Hit(finding, details)]
