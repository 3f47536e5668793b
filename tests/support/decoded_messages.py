"""Decoded authorization messages in the full shape STS returns, for tests and the AWS stand-in.

Shaped like the real implicit-deny messages in ``shared/samples``: not allowed, no explicit deny,
no matched statements, no failures, and a context naming the principal, the action, the resource
and the request's condition keys. By default the principal is an AWS Backup restore session: the
restore role's ``AWSBackup-<RoleName>`` session in ``account``.

(``tests/bot/diagnosis/messages.py`` builds partial messages, with only the parts a rule test
gives; this module is for a complete message.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACCOUNT = "111122223333"
RESTORE_ROLE = "AWSBackupDefaultServiceRole"
ROLE_ID = "AROAEXAMPLE"


def implicit_denial(
    action: str,
    resource: str,
    *,
    account: str = ACCOUNT,
    restore_role: str = RESTORE_ROLE,
    session: str | None = None,
    role_id: str = ROLE_ID,
    conditions: Mapping[str, str] | None = None,
    principal: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The decoded message of ``action`` on ``resource`` denied for want of an Allow.

    ``restore_role`` is the restore role's name or ARN; ``session`` its session name (default
    ``AWSBackup-<RoleName>``, as AWS Backup names it) and ``role_id`` its unique id. ``conditions``
    are the context's condition keys with their one value each, in order. ``principal`` replaces
    the whole principal, for a denial that is not a Backup restore session's (an IAM user, say).
    """
    role_name = restore_role.rsplit("/", 1)[-1]
    session = session or f"AWSBackup-{role_name}"
    return {
        "allowed": False,
        "explicitDeny": False,
        "matchedStatements": {"items": []},
        "failures": {"items": []},
        "context": {
            "principal": dict(principal)
            if principal is not None
            else {
                "id": f"{role_id}:{session}",
                "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
            },
            "action": action,
            "resource": resource,
            "conditions": {
                "items": [
                    {"key": key, "values": {"items": [{"value": value}]}}
                    for key, value in (conditions or {}).items()
                ]
            },
        },
    }


def passrole_denial(
    *,
    account: str = ACCOUNT,
    restore_role: str = RESTORE_ROLE,
    passed_role: str | None = None,
    session: str | None = None,
    role_id: str = ROLE_ID,
    conditions: Mapping[str, str] | None = None,
    principal: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The decoded message of a restore whose role may not pass ``passed_role`` (an ARN).

    ``passed_role`` defaults to the seed case's instance role in ``account``; the other arguments
    are :func:`implicit_denial`'s.
    """
    passed_role = passed_role or f"arn:aws:iam::{account}:role/AmazonSSMRoleForInstancesQuickSetup"
    return implicit_denial(
        "iam:PassRole",
        passed_role,
        account=account,
        restore_role=restore_role,
        session=session,
        role_id=role_id,
        conditions=conditions,
        principal=principal,
    )
