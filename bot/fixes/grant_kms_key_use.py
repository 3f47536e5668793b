"""GRANT_KMS_KEY_USE: let the denied role use exactly one KMS key for the denied actions, then
re-run the restore.

One inline policy, named after the request (so putting it twice leaves one and a revert knows
what to delete), allowing only key-use actions on one key ARN (never an alias, never ``*``),
narrowed with ``kms:ViaService`` / ``kms:GrantIsForAWSResource`` as the diagnosis found them.
The key policy must allow the role too; when it does not, the card's other remedy says so.
"""

from __future__ import annotations

import re
from typing import Any, Final

from bot.errors import FixRefused
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.inline_grant import plan_grant, put_and_rerun
from bot.fixes.policies import parse_role_arn, statements
from bot.models import FixPlan

ID = "GRANT_KMS_KEY_USE"
POLICY_PREFIX: Final = "backup-doctor-kms-"
#: what using a key for data is; key administration (policies, grants' revocation, deletion) never
KEY_USE_ACTIONS: Final = frozenset(
    {
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:DescribeKey",
        "kms:CreateGrant",
    }
)
#: the condition keys a key grant may carry, and their operators
ALLOWED_CONDITIONS: Final = {
    ("StringEquals", "kms:ViaService"),
    ("Bool", "kms:GrantIsForAWSResource"),
}
_KEY_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:(\d{12}):key/[A-Za-z0-9-]+")


def policy_name_for(request_id: str) -> str:
    """The inline policy name of a request's key grant."""
    return f"{POLICY_PREFIX}{request_id[:12]}"


def check_key_use_policy(policy: dict[str, Any] | None) -> dict[str, Any]:
    """The policy if it allows only key use on exact key ARNs, known conditions; else raises."""
    found = statements(policy or {})
    problems = [] if found else ["it has no statements"]
    for statement in found:
        if not isinstance(statement, dict):
            problems.append("a statement is not an object")
            continue
        if set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}:
            problems.append("a statement uses more than Sid, Effect, Action, Resource, Condition")
        actions = _as_list(statement.get("Action"))
        if statement.get("Effect") != "Allow" or not actions or set(actions) - KEY_USE_ACTIONS:
            problems.append(f"a statement is not 'Allow' of key use only ({', '.join(actions)})")
        for resource in _as_list(statement.get("Resource")) or ["(none)"]:
            if not _KEY_ARN.fullmatch(resource):
                problems.append(f"{resource} is not one KMS key's ARN")
        for operator, pairs in (statement.get("Condition") or {}).items():
            for key in pairs:
                if (operator, key) not in ALLOWED_CONDITIONS:
                    problems.append(f"the condition {operator} {key} is not one the bot writes")
    if problems or policy is None:
        raise FixRefused(
            f"The bot will not apply this policy: {'; '.join(problems)}.",
            "Only a narrow grant of key use on one key can be applied; change the rest yourself.",
        )
    return policy


def plan(inputs: PlanInputs) -> FixPlan:
    """The key grant (policy, role, current policies, simulation) and the restore re-run."""
    name = policy_name_for(inputs.request_id)
    return plan_grant(ID, inputs, lambda policy, _account: check_key_use_policy(policy), name)


def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Put the key grant (unless already in place), then start the re-run idempotently."""
    if plan.fix != ID or plan.policy_name != policy_name_for(run.request_id):
        raise FixRefused("This plan is not this request's key grant.", "Request the fix again.")
    account_id, role_name = parse_role_arn(plan.role_arn or "")
    if account_id != plan.account_id:
        raise FixRefused("The plan's role is in another account.", "Request the fix again.")
    policy = check_key_use_policy(plan.policy)  # vetted again just before the write
    return put_and_rerun(plan, run, role_name, plan.policy_name, policy)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


FIX = Fix(
    id=ID,
    title="Allow this key action in the role's policy",
    tier="IAM_CHANGE",
    changes_iam=True,
    first_stage="applying_policy",
    plan=plan,
    apply=apply,
    revert_with="REVERT_GRANT",
)
