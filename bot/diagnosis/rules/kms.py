"""KMS denials: key policy and caller policy must both allow; AWS managed keys never share."""

from __future__ import annotations

import re

from bot.arns import account_of, parse_arn
from bot.diagnosis.actions import service_of_action
from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.policy import least_privilege_policy
from bot.diagnosis.rules.details import base_details, grantee_role

#: a Backup copy job's status when the source data uses an AWS managed key
NOT_ACCESSIBLE_PHRASE = "given key id is not accessible"
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"
#: what kms:ViaService holds: a service's endpoint in a Region (``ec2.us-east-1.amazonaws.com``)
_SERVICE_ENDPOINT = re.compile(r"[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")


def is_aws_managed_alias(resource: str | None) -> bool:
    """The resource is an AWS managed key's alias (``alias/aws/ebs``, ...)."""
    arn = parse_arn(resource)
    return arn is not None and arn.resource.startswith(AWS_MANAGED_ALIAS_PREFIX)


def _cross_account_note(ctx: RuleContext) -> str:
    key_account = account_of(ctx.resource)
    caller_account = ctx.denial.account_id if ctx.denial else None
    if key_account and caller_account and key_account != caller_account:
        return (
            f"The key belongs to account {key_account} and the caller to {caller_account}: the "
            "key policy must allow the caller's account or role, and the caller's IAM policy "
            "must allow the key."
        )
    return ""


def _managed_key_hit(ctx: RuleContext) -> list[Hit]:
    if is_aws_managed_alias(ctx.resource) or NOT_ACCESSIBLE_PHRASE in ctx.status_text.lower():
        return [Hit("KMS_AWS_MANAGED_KEY_CROSS_ACCOUNT", base_details(ctx))]
    return []


def key_use_conditions(ctx: RuleContext) -> dict[str, dict[str, str]] | None:
    """Narrow a key grant as AWS documents it: to the AWS service that used the key for the
    caller (``kms:ViaService``, from the request's own context) and, for ``kms:CreateGrant``, to
    grants for AWS resources (``kms:GrantIsForAWSResource``)."""
    context = ctx.denial.context if ctx.denial else {}
    conditions: dict[str, dict[str, str]] = {}
    via = next((v for k, vs in context.items() if k.lower() == "kms:viaservice" for v in vs), None)
    if via and _SERVICE_ENDPOINT.fullmatch(via):
        conditions["StringEquals"] = {"kms:ViaService": via}
    if (ctx.action or "").lower() == "kms:creategrant":
        conditions["Bool"] = {"kms:GrantIsForAWSResource": "true"}
    return conditions or None


def check(ctx: RuleContext) -> list[Hit]:
    """KMS_KEY_ACCESS_DENIED (key policy and identity policy), and the AWS managed key case."""
    if service_of_action(ctx.action) != "kms":
        return _managed_key_hit(ctx)
    if is_aws_managed_alias(ctx.resource) or ctx.explicit_deny is True:
        # An explicit deny is explained by its own rule; a key policy Allow could not override it.
        return _managed_key_hit(ctx)
    role = grantee_role(ctx)
    details = base_details(ctx) | {
        "cross_account_note": _cross_account_note(ctx),
        "key_account": account_of(ctx.resource) or "",
    }
    remedies = {
        "GRANT_KMS_KEY_USE": RemedyParams(
            attach_to=role,
            policy=least_privilege_policy(ctx.action, ctx.resource, key_use_conditions(ctx)),
        )
    }
    skip = frozenset() if ctx.allow_can_help else frozenset({"GRANT_KMS_KEY_USE"})
    return [Hit("KMS_KEY_ACCESS_DENIED", details, remedies, skip)]
