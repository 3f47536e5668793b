"""Not every "access denied" is about permissions: some services refuse a missing resource alike.

S3 answers 403 Access Denied, not 404, for a key that does not exist when the caller may not
``s3:ListBucket`` the bucket (S3 user guide, "Troubleshoot access denied (403 Forbidden)"); STS
refuses ``AssumeRole`` of a role that does not exist (a typo, another account, a deleted role)
exactly as it refuses one whose trust policy does not allow the caller. Said beside the general
explanation (a fallback rule), so neither cause is hidden: checking the resource is one look.
"""

from __future__ import annotations

from typing import Final

from bot.arns import parse_arn, parse_role_arn
from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details

#: called APIs that read one S3 object
S3_OBJECT_READS: Final = frozenset({"GetObject", "HeadObject", "GetObjectAttributes"})
#: error codes S3 and STS give a refused request (the CLI shows a bare 403 for HeadObject)
DENIED_CODES: Final = frozenset({"AccessDenied", "AccessDeniedException", "403", "Forbidden"})


def check(ctx: RuleContext) -> list[Hit]:
    """S3_OBJECT_MAY_NOT_EXIST, ROLE_MAY_NOT_EXIST."""
    if ctx.explicit_deny is True:
        return []  # an explicit deny was evaluated: the resource exists as far as IAM knows
    code = ctx.parsed.error_code
    if code is not None and code not in DENIED_CODES:
        return []
    called, action = ctx.parsed.called_api, ctx.action
    if action == "s3:GetObject" or (action is None and called in S3_OBJECT_READS):
        return [Hit("S3_OBJECT_MAY_NOT_EXIST", base_details(ctx) | _object(ctx))]
    if action == "sts:AssumeRole" or (action is None and called == "AssumeRole"):
        role = parse_role_arn(ctx.resource)
        details = base_details(ctx) | {
            "role": ctx.resource if role and ctx.resource else "the role",
            "role_name": role.name if role else "<role name>",
            "role_account": role.account if role else "the role's account",
        }
        return [Hit("ROLE_MAY_NOT_EXIST", details)]
    return []


def _object(ctx: RuleContext) -> dict[str, str]:
    arn = parse_arn(ctx.resource)
    if arn is None or arn.service != "s3" or "/" not in arn.resource:
        return {"bucket": "<bucket>", "key": "<key>", "object": "the object"}
    bucket, _, key = arn.resource.partition("/")
    return {"bucket": bucket, "key": key, "object": f"s3://{bucket}/{key}"}
