"""REVERT_GRANT: remove exactly the inline policy a finished GRANT_PASSROLE added, nothing else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import boto3

from bot.fixes.errors import PermanentFixError, aws_errors, error_code
from bot.fixes.grant_passrole import POLICY_PREFIX
from bot.fixes.iam_policies import inline_policies, parse_role_arn
from bot.fixes.outcome import FixOutcome
from bot.models import FixPlan

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def plan_revert(grant_plan: FixPlan, iam_client: IAMClient) -> FixPlan:
    """The revert of a grant: the same role and policy name, and the role's policies now."""
    role_name, policy_name = _target(grant_plan, "GRANT_PASSROLE")
    return FixPlan(
        fix="REVERT_GRANT",
        account_id=grant_plan.account_id,
        region=grant_plan.region,
        summary=f"Remove the inline policy {policy_name} the bot added to {role_name}.",
        role_arn=grant_plan.role_arn,
        policy_name=policy_name,
        policy=grant_plan.policy,
        current_inline_policies=inline_policies(iam_client, role_name),
    )


def revert(plan: FixPlan, session: boto3.Session) -> FixOutcome:
    """Delete the bot's inline policy; one that is already gone counts as reverted."""
    role_name, policy_name = _target(plan, "REVERT_GRANT")
    iam = session.client("iam")
    try:
        with aws_errors(f"remove the inline policy {policy_name} from {role_name}"):
            iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
    except PermanentFixError as error:
        if error_code(error) != "NoSuchEntity":
            raise
        return FixOutcome(fix=plan.fix, summary=f"{policy_name} was already removed.")
    return FixOutcome(
        fix=plan.fix, summary=f"Removed {policy_name} from {role_name}.", policy_removed=True
    )


def apply(
    plan: FixPlan,
    request_id: str,
    session: boto3.Session,
    run: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> FixOutcome:
    """The catalogue's entry point for REVERT_GRANT: ``revert``."""
    return revert(plan, session)


def _target(plan: FixPlan, fix: str) -> tuple[str, str]:
    """(role name, policy name), refusing any policy the bot did not name itself."""
    name = plan.policy_name or ""
    if plan.fix != fix or not name.startswith(POLICY_PREFIX) or not plan.role_arn:
        raise PermanentFixError(
            "Only a policy the bot added can be reverted.", "Remove other policies yourself."
        )
    account_id, role_name = parse_role_arn(plan.role_arn)
    if account_id != plan.account_id:
        raise PermanentFixError("The plan's role is in another account.", "Request it again.")
    return role_name, name
