"""GetRequestAuthorizationDetails answers shaped as AWS documents them, for every kind of test.

One builder (``details``) for the unit tests (Stubber), the diagnosis tests and the stand-in:
the request context, one evaluation per (action, resource) checked, the matched policies with
their Sids, the checks by policy type, and the policies list that names each policy's type.
"""

from __future__ import annotations

from typing import Any

DENY_POLICY = "arn:aws:iam::111111111111:policy/DenyPassRoleOutsideBackup"
ROLE_INLINE = "iam-inline:AROAEXAMPLE:backup-restore"


def evaluation(
    action: str,
    resource: str,
    effect: str,
    matched: list[tuple[str, str, str]] | None = None,
    checks: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """One evaluation; ``matched`` is (policy uri, Sid, ALLOW|DENY), ``checks`` (type, effect)."""
    by_policy: dict[str, list[dict[str, str]]] = {}
    for uri, sid, statement_effect in matched or []:
        by_policy.setdefault(uri, []).append({"sid": sid, "evaluatedEffect": statement_effect})
    return {
        "action": action,
        "resource": resource,
        "evaluatedEffect": effect,
        "context": {"aws:RequestedRegion": "us-east-1"},
        "matchedPolicies": [
            {"uri": uri, "matchedStatements": statements} for uri, statements in by_policy.items()
        ],
        "checks": [
            {"checkType": kind, "evaluatedEffect": check_effect}
            for kind, check_effect in (checks or [])
        ],
    }


def details(
    principal: str,
    evaluations: list[dict[str, Any]],
    policies: list[tuple[str, str, str]] | None = None,
) -> dict[str, Any]:
    """The whole answer; ``policies`` is (uri, AWS policy type, attached-to ARN)."""
    return {
        "requestContext": {
            "aws:PrincipalArn": principal,
            "aws:PrincipalAccount": principal.split(":")[4],
            "aws:RequestedRegion": "us-east-1",
        },
        "evaluations": evaluations,
        "policies": [
            {
                "type": kind,
                "uri": uri,
                "inline": uri.startswith("iam-inline:"),
                "attachedTo": [{"arn": attached}],
            }
            for uri, kind, attached in (policies or [])
        ],
    }


def passrole_explicit_deny(restore_role: str, passed_role: str, session: str) -> dict[str, Any]:
    """A restore role's PassRole of the instance role, explicitly denied by a managed policy."""
    return details(
        session,
        [
            evaluation("ec2:RunInstances", "arn:aws:ec2:us-east-1:111111111111:instance/*",
                       "ALLOW", [(ROLE_INLINE, "RunInstances", "ALLOW")],
                       [("PRINCIPAL", "ALLOW")]),
            evaluation("iam:PassRole", passed_role, "EXPLICIT_DENY",
                       [(DENY_POLICY, "DenyPassRoleOutsideBackup", "DENY"),
                        (ROLE_INLINE, "PassInstanceRoles", "ALLOW")],
                       [("PRINCIPAL", "EXPLICIT_DENY"), ("SERVICE_CONTROL_POLICY", "ALLOW")]),
            evaluation("ec2:CreateTags", "arn:aws:ec2:us-east-1:111111111111:volume/*",
                       "ALLOW", [(ROLE_INLINE, "Tags", "ALLOW")], [("PRINCIPAL", "ALLOW")]),
        ],
        [(DENY_POLICY, "IDENTITY_BASED_POLICY", restore_role),
         (ROLE_INLINE, "IDENTITY_BASED_POLICY", restore_role)],
    )  # fmt: skip


def boundary_implicit_deny(principal: str, action: str, resource: str) -> dict[str, Any]:
    """An action the identity policy allows but the permissions boundary does not."""
    return details(
        principal,
        [evaluation(action, resource, "IMPLICIT_DENY", [(ROLE_INLINE, "Allow", "ALLOW")],
                    [("PRINCIPAL", "ALLOW"), ("PERMISSIONS_BOUNDARY", "IMPLICIT_DENY")])],
        [(ROLE_INLINE, "IDENTITY_BASED_POLICY", principal)],
    )  # fmt: skip
