"""The fallback for any denial no other rule explains: a correct, general explanation."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import least_privilege_policy
from bot.diagnosis.rules import unread_message
from bot.diagnosis.rules.details import base_details, grantee_role

#: error codes of services that never encode their denials (S3, STS, IAM, KMS, ...): asking for
#: "the whole encoded message" there sends people looking for something that does not exist
PLAIN_DENIAL_CODES = frozenset({"AccessDenied", "AccessDeniedException", "403", "Forbidden"})


def has_no_encoded_message(ctx: RuleContext) -> bool:
    """The error comes from a service that does not encode its denials, and none was pasted."""
    parsed = ctx.parsed
    if parsed.encoded_message is not None or parsed.truncated:
        return False
    if parsed.error_code in PLAIN_DENIAL_CODES:
        return True
    # "User: ... is not authorized to perform: s3:GetObject ...": the plain-text sentence of the
    # services that do not encode; only EC2 (UnauthorizedOperation) adds an encoded message
    action = parsed.sentence.action if parsed.sentence else None
    return parsed.error_code is None and bool(action) and not str(action).startswith("ec2:")


def _implicit(ctx: RuleContext) -> list[Hit]:
    role = grantee_role(ctx)
    policy = least_privilege_policy(ctx.action, ctx.resource) if role else None
    skip = set()
    if policy is None:
        skip.add("GRANT_ACTION")
    if (ctx.denial and "decoded_message" in ctx.denial.sources) or has_no_encoded_message(ctx):
        skip.add("DECODE_FULL_MESSAGE")
    remedies = {"GRANT_ACTION": RemedyParams(attach_to=role, policy=policy)}
    return [Hit("IMPLICIT_DENY", base_details(ctx), remedies, frozenset(skip))]


def check(ctx: RuleContext) -> list[Hit]:
    """IMPLICIT_DENY (with an exact grant when role, action and resource are known),
    ACCESS_DENIED_UNCLEAR, or NOT_ENOUGH_INFORMATION."""
    if ctx.action is None:
        if unread_message.check(ctx):
            return []  # its note says exactly what is missing and how to get it
        return [Hit("NOT_ENOUGH_INFORMATION", base_details(ctx), skip=_plain_skip(ctx))]
    if ctx.explicit_deny is False and ctx.allow_can_help:
        return _implicit(ctx)
    how = (
        "the CloudTrail event of the call (its errorMessage) or IAM's policy simulator tells"
        if has_no_encoded_message(ctx)
        else "the full decoded message tells"
    )
    details = base_details(ctx) | {"how_to_tell": how}
    return [Hit("ACCESS_DENIED_UNCLEAR", details, skip=_plain_skip(ctx))]


def _plain_skip(ctx: RuleContext) -> frozenset[str]:
    return frozenset({"DECODE_FULL_MESSAGE"}) if has_no_encoded_message(ctx) else frozenset()
