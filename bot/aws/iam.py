"""IAM reads and the narrow writes of the fix catalogue: inline role policies and simulation.

Every function takes the client of the role the caller assumed (read role to plan, fix role to
write) and raises the domain errors of ``bot.aws.error_mapping``; ``account`` names the account
and its roles in those messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from bot.aws.error_mapping import aws_errors, error_code
from bot.config import AccountConfig

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import ContextEntryTypeDef

ContextValue = str | bool | int | list[str]


def inline_policies(
    iam_client: IAMClient, role_name: str, *, account: AccountConfig | None = None
) -> dict[str, dict[str, Any]]:
    """Every inline policy of the role, by name (ListRolePolicies, then GetRolePolicy each)."""
    with aws_errors(f"read the inline policies of role {role_name}", account=account):
        pages = iam_client.get_paginator("list_role_policies").paginate(RoleName=role_name)
        names = [name for page in pages for name in page["PolicyNames"]]
    found = {name: inline_policy(iam_client, role_name, name, account=account) for name in names}
    return {name: document for name, document in found.items() if document is not None}


def inline_policy(
    iam_client: IAMClient, role_name: str, name: str, *, account: AccountConfig | None = None
) -> dict[str, Any] | None:
    """One inline policy document, or ``None`` when the role has no policy of that name."""
    with aws_errors(f"read the inline policy {name} of role {role_name}", account=account):
        try:
            response = iam_client.get_role_policy(RoleName=role_name, PolicyName=name)
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                return None
            raise
    raw: Any = response["PolicyDocument"]
    # boto3 decodes policy documents itself; IAM itself sends URL-encoded JSON
    return dict(json.loads(unquote(raw)) if isinstance(raw, str) else raw)


def put_inline_policy(
    iam_client: IAMClient,
    role_name: str,
    name: str,
    document: Mapping[str, Any],
    *,
    account: AccountConfig | None = None,
) -> None:
    """Create or replace the role's inline policy ``name`` (idempotent: same name, same doc)."""
    with aws_errors(
        f"put inline policy {name} on role {role_name}", account=account, role_arn=_fix(account)
    ):
        iam_client.put_role_policy(
            RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document, sort_keys=True)
        )


def delete_inline_policy(
    iam_client: IAMClient, role_name: str, name: str, *, account: AccountConfig | None = None
) -> bool:
    """Remove the role's inline policy ``name``; ``False`` when it was already gone (idempotent)."""
    with aws_errors(
        f"delete inline policy {name} from role {role_name}",
        account=account,
        role_arn=_fix(account),
    ):
        try:
            iam_client.delete_role_policy(RoleName=role_name, PolicyName=name)
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                return False
            raise
    return True


def _fix(account: AccountConfig | None) -> str | None:
    """Writes go through the fix role: name it in "may not" messages."""
    return account.fix_role_arn if account else None


def simulate(
    iam_client: IAMClient,
    role_arn: str,
    actions: str | Sequence[str],
    resources: str | Sequence[str],
    extra_policy: Mapping[str, Any] | None = None,
    context: Mapping[str, ContextValue] | None = None,
    *,
    account: AccountConfig | None = None,
) -> str:
    """SimulatePrincipalPolicy of the actions on the resources for the role.

    ``extra_policy`` is evaluated as if it were attached too (the "after the fix" check);
    ``context`` gives condition keys (``iam:PassedToService``...). Returns AWS's EvalDecision,
    the first that is not ``"allowed"``: ``"allowed"``, ``"implicitDeny"`` or ``"explicitDeny"``.
    """
    params: dict[str, Any] = {
        "PolicySourceArn": role_arn,
        "ActionNames": [actions] if isinstance(actions, str) else list(actions),
        "ResourceArns": [resources] if isinstance(resources, str) else list(resources),
    }
    if extra_policy:
        params["PolicyInputList"] = [json.dumps(extra_policy)]
    if context:
        params["ContextEntries"] = [_context_entry(k, v) for k, v in context.items()]
    with aws_errors(f"simulate {', '.join(params['ActionNames'])} for {role_arn}", account=account):
        response = iam_client.simulate_principal_policy(**params)
    decisions = [str(r["EvalDecision"]) for r in response["EvaluationResults"]]
    return next((d for d in decisions if d != "allowed"), "allowed")


def _context_entry(key: str, value: ContextValue) -> ContextEntryTypeDef:
    if isinstance(value, list):
        return {"ContextKeyName": key, "ContextKeyValues": value, "ContextKeyType": "stringList"}
    if isinstance(value, bool):
        text = "true" if value else "false"
        return {"ContextKeyName": key, "ContextKeyValues": [text], "ContextKeyType": "boolean"}
    if isinstance(value, int):
        return {
            "ContextKeyName": key,
            "ContextKeyValues": [str(value)],
            "ContextKeyType": "numeric",
        }
    return {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": "string"}
