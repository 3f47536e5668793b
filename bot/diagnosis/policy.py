"""Least-privilege identity policies: exactly the denied action on exactly the denied resource.

A policy is only produced when it can be that narrow. An unknown resource, a placeholder in the
ARN (``[redacted]``, ``accountID``) or a bare ``*`` for an action that supports resource ARNs
yields None rather than a broader grant.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from bot.arns import is_account_id, parse_arn
from bot.diagnosis.actions import name_of_action, service_of_action

VERSION = "2012-10-17"
#: actions that only accept ``"Resource": "*"`` (per the AWS Service Authorization Reference)
WILDCARD_ONLY_ACTIONS = frozenset(
    {
        "backup:DescribeBackupJob",
        "backup:DescribeCopyJob",
        "backup:DescribeRestoreJob",
        "backup:ListBackupJobs",
        "backup:ListCopyJobs",
        "backup:ListRestoreJobs",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeSnapshots",
        "ec2:DescribeVolumes",
        "iam:ListRoles",
        "kms:ListAliases",
        "kms:ListKeys",
        "sts:DecodeAuthorizationMessage",
    }
)
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_RESOURCE_PART = re.compile(r"^[\w+=,.@/:*-]+$")
_REGION_PART = re.compile(r"^[a-z0-9-]*$")
# The resource of an action belongs to the action's service, except STS, which acts on IAM roles.
_RESOURCE_SERVICE = {"sts": "iam"}


def statement_sid(action: str, resource: str) -> str:
    """A stable Sid from the action and resource, so the same grant always gets the same name."""
    digest = hashlib.sha256(f"{action}\n{resource}".encode()).hexdigest()[:10]
    return f"BackupDoctor{name_of_action(action) or 'Action'}{digest.upper()}"


def is_exact_resource(action: str, resource: str | None) -> bool:
    """A concrete ARN of the action's service, or ``*`` for actions that only take ``*``."""
    if resource == "*":
        return action in WILDCARD_ONLY_ACTIONS
    arn = parse_arn(resource)
    if arn is None or arn.partition not in ("aws", "aws-cn", "aws-us-gov"):
        return False
    service = service_of_action(action)
    if arn.service != _RESOURCE_SERVICE.get(service or "", service):
        return False
    account_ok = arn.account == "" or is_account_id(arn.account)
    return account_ok and bool(
        _REGION_PART.match(arn.region) and _RESOURCE_PART.match(arn.resource)
    )


def least_privilege_policy(
    action: str | None,
    resource: str | None,
    conditions: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any] | None:
    """One Allow statement for ``action`` on ``resource``; None when it cannot be exact.

    ``conditions`` (operator -> key -> value) narrow the grant, e.g. ``iam:PassedToService``.
    """
    if not action or resource is None or not _ACTION.match(action):
        return None
    if not is_exact_resource(action, resource):
        return None
    statement: dict[str, Any] = {
        "Sid": statement_sid(action, resource),
        "Effect": "Allow",
        "Action": action,
        "Resource": resource,
    }
    if conditions:
        statement["Condition"] = {op: dict(pairs) for op, pairs in conditions.items()}
    return {"Version": VERSION, "Statement": [statement]}


def passrole_policy(role_arn: str | None, passed_to_service: str | None) -> dict[str, Any] | None:
    """``iam:PassRole`` on exactly ``role_arn``, only to ``passed_to_service`` when it is known."""
    conditions = None
    if passed_to_service:
        conditions = {"StringEquals": {"iam:PassedToService": passed_to_service}}
    return least_privilege_policy("iam:PassRole", role_arn, conditions)


def inline_policy_name(policy: dict[str, Any] | None) -> str | None:
    """The inline policy name a fix uses: derived from the Sid, so re-applying is idempotent."""
    if not policy:
        return None
    return f"backup-doctor-{policy['Statement'][0]['Sid']}"
