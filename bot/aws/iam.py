"""IAM reads and the narrow writes of the fix catalogue: inline role policies and simulation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.errors import error_code, map_client_error
from bot.config import AccountConfig

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import ContextEntryTypeDef

ContextValue = str | bool | int | list[str]


def role_name_from_arn(arn: str) -> str:
    """The role name of a role ARN (any path) or of an assumed-role session ARN.

    ``arn:aws:iam::1:role/service-role/X`` and ``arn:aws:sts::1:assumed-role/X/session`` give X.
    """
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    if kind == "role" and rest:
        return rest.rsplit("/", 1)[-1]
    if kind == "assumed-role" and rest:
        return rest.split("/", 1)[0]
    raise ValueError(f"not an IAM role ARN: {arn}")


def inline_policies(
    iam_client: IAMClient, role_name: str, *, account: AccountConfig | None = None
) -> dict[str, dict[str, Any]]:
    """Every inline policy of the role, by name, as parsed (URL-decoded) JSON documents."""
    try:
        names = [
            name
            for page in iam_client.get_paginator("list_role_policies").paginate(RoleName=role_name)
            for name in page["PolicyNames"]
        ]
        return {name: _document(iam_client, role_name, name) for name in names}
    except (ClientError, BotoCoreError) as exc:
        what = f"read the inline policies of role {role_name}"
        raise map_client_error(exc, what=what, account=account) from exc


def _document(iam_client: IAMClient, role_name: str, name: str) -> dict[str, Any]:
    document: Any = iam_client.get_role_policy(RoleName=role_name, PolicyName=name)
    raw = document["PolicyDocument"]
    # botocore usually decodes it already; IAM itself sends urlencoded JSON.
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
    try:
        iam_client.put_role_policy(
            RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
        )
    except (ClientError, BotoCoreError) as exc:
        what = f"put inline policy {name} on role {role_name}"
        raise map_client_error(
            exc, what=what, account=account, role_arn=_fix_role(account)
        ) from exc


def delete_inline_policy(
    iam_client: IAMClient, role_name: str, name: str, *, account: AccountConfig | None = None
) -> bool:
    """Remove the role's inline policy ``name``; ``False`` when it was already gone (idempotent)."""
    try:
        iam_client.delete_role_policy(RoleName=role_name, PolicyName=name)
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return False
        what = f"delete inline policy {name} from role {role_name}"
        raise map_client_error(
            exc, what=what, account=account, role_arn=_fix_role(account)
        ) from exc
    except BotoCoreError as exc:
        what = f"delete inline policy {name} from role {role_name}"
        raise map_client_error(
            exc, what=what, account=account, role_arn=_fix_role(account)
        ) from exc
    return True


def _fix_role(account: AccountConfig | None) -> str | None:
    """Writes go through the fix role: name it in "may not" messages."""
    return account.fix_role_arn if account else None


def simulate(
    iam_client: IAMClient,
    role_arn: str,
    action: str,
    resource: str,
    extra_policy: Mapping[str, Any] | None = None,
    context: Mapping[str, ContextValue] | None = None,
    *,
    account: AccountConfig | None = None,
) -> str:
    """SimulatePrincipalPolicy of one action on one resource for the role.

    ``extra_policy`` is evaluated as if it were attached too (the "after the fix" check);
    ``context`` gives condition keys (``iam:PassedToService``...). Returns AWS's EvalDecision:
    ``"allowed"``, ``"implicitDeny"`` or ``"explicitDeny"``.
    """
    params: dict[str, Any] = {
        "PolicySourceArn": role_arn,
        "ActionNames": [action],
        "ResourceArns": [resource],
    }
    if extra_policy:
        params["PolicyInputList"] = [json.dumps(extra_policy)]
    if context:
        params["ContextEntries"] = [_context_entry(k, v) for k, v in context.items()]
    try:
        response = iam_client.simulate_principal_policy(**params)
    except (ClientError, BotoCoreError) as exc:
        what = f"simulate {action} for {role_arn}"
        raise map_client_error(exc, what=what, account=account) from exc
    return str(response["EvaluationResults"][0]["EvalDecision"])


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
