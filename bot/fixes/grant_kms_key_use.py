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

from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.inline_grant import apply_grant, plan_grant
from bot.fixes.policies import as_list, vet_policy
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

    def problems(statement: dict[str, Any]) -> list[str]:
        found = []
        actions = as_list(statement.get("Action"))
        if statement.get("Effect") != "Allow" or not actions or set(actions) - KEY_USE_ACTIONS:
            found.append(f"a statement is not 'Allow' of key use only ({', '.join(actions)})")
        for resource in as_list(statement.get("Resource")) or ["(none)"]:
            if not _KEY_ARN.fullmatch(resource):
                found.append(f"{resource} is not one KMS key's ARN")
        for operator, pairs in (statement.get("Condition") or {}).items():
            for key in pairs:
                if (operator, key) not in ALLOWED_CONDITIONS:
                    found.append(f"the condition {operator} {key} is not one the bot writes")
        return found

    return vet_policy(
        policy,
        problems,
        "Only a narrow grant of key use on one key can be applied; change the rest yourself.",
    )


def plan(inputs: PlanInputs) -> FixPlan:
    """The key grant (policy, role, current policies, simulation) and the restore re-run."""
    name = policy_name_for(inputs.request_id)
    return plan_grant(ID, inputs, _vet, name)


def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Put the key grant (unless already in place), then start the re-run idempotently."""
    return apply_grant(plan, run, ID, policy_name_for(run.request_id), _vet)


def _vet(policy: dict[str, Any] | None, _account_id: str) -> dict[str, Any]:
    return check_key_use_policy(policy)


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
