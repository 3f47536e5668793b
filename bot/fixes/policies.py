"""Vetting the one kind of IAM policy the bot writes, and simulating it before approval."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from bot import arns
from bot.aws import iam
from bot.errors import BackupDoctorError, FixRefused

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

logger = logging.getLogger(__name__)

#: condition operators whose values the simulator can be given as request context
EXACT_OPERATORS: Final = frozenset({"StringEquals", "ArnEquals", "StringEqualsIgnoreCase"})


def parse_role_arn(role_arn: str) -> tuple[str, str]:
    """(account id, role name) of a role ARN of a real account; else ``FixRefused``."""
    role = arns.parse_role_arn(role_arn)
    if role is None or not arns.is_account_id(role.account):
        raise FixRefused(f"{role_arn} is not an IAM role ARN.", "Run the diagnosis again.")
    return role.account, role.name


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The policy's statements as a list (IAM allows a single statement object)."""
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def check_passrole_policy(policy: dict[str, Any] | None, account_id: str) -> dict[str, Any]:
    """The policy, if it only allows iam:PassRole on named roles of ``account_id``; else raises.

    The bot writes exactly one kind of IAM change; anything wider is refused here, at planning
    and again just before the write.
    """

    def problems(statement: dict[str, Any]) -> list[str]:
        found = []
        actions = as_list(statement.get("Action"))
        if statement.get("Effect") != "Allow" or actions != ["iam:PassRole"]:
            found.append("a statement is not 'Allow iam:PassRole'")
        for resource in as_list(statement.get("Resource")) or ["(none)"]:
            role = arns.parse_role_arn(resource)
            if role is None or role.account != account_id or "*" in resource:
                found.append(f"{resource} is not a role of account {account_id}")
        return found

    return vet_policy(
        policy,
        problems,
        "Only a narrow iam:PassRole grant can be applied; make other changes yourself.",
    )


def vet_policy(
    policy: dict[str, Any] | None,
    statement_problems: Callable[[dict[str, Any]], list[str]],
    only: str,
) -> dict[str, Any]:
    """``policy`` if every statement is a plain object with no problem; else ``FixRefused``
    naming every problem, with ``only`` (what the bot does write) as the next step."""
    found = statements(policy or {})
    problems = [] if found else ["it has no statements"]
    for statement in found:
        if not isinstance(statement, dict):
            problems.append("a statement is not an object")
            continue
        if set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}:
            problems.append("a statement uses more than Sid, Effect, Action, Resource, Condition")
        problems += statement_problems(statement)
    if problems or policy is None:
        raise FixRefused(f"The bot will not apply this policy: {'; '.join(problems)}.", only)
    return policy


def simulate_grant(
    iam_client: IAMClient, role_arn: str, policy: dict[str, Any]
) -> tuple[str | None, str | None]:
    """SimulatePrincipalPolicy decisions for the grant's actions without and with ``policy``.

    Advisory: when the read role may not simulate (or AWS fails) the decision is ``None``.
    """
    actions = sorted({a for s in statements(policy) for a in as_list(s.get("Action"))})
    resources = sorted({r for s in statements(policy) for r in as_list(s.get("Resource"))})
    context = _context(policy)
    before = _decision(iam_client, role_arn, actions, resources, context, None)
    after = _decision(iam_client, role_arn, actions, resources, context, policy)
    return before, after


def _decision(
    iam_client: IAMClient,
    role_arn: str,
    actions: list[str],
    resources: list[str],
    context: dict[str, iam.ContextValue],
    extra_policy: dict[str, Any] | None,
) -> str | None:
    try:
        return iam.simulate(iam_client, role_arn, actions, resources, extra_policy, context)
    except BackupDoctorError:
        logger.warning("policy simulation unavailable for %s", role_arn, exc_info=True)
        return None


def _context(policy: dict[str, Any]) -> dict[str, iam.ContextValue]:
    entries: dict[str, iam.ContextValue] = {}
    for statement in statements(policy):
        for operator, pairs in (statement.get("Condition") or {}).items():
            if operator in EXACT_OPERATORS:
                entries |= {key: as_list(values)[0] for key, values in pairs.items() if values}
    return dict(sorted(entries.items()))


def as_list(value: Any) -> list[str]:
    """A policy element (one value or a list) as a list of strings."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
