"""Least-privilege checks for generated policies, with parliament as the second opinion."""

from __future__ import annotations

import json
import re
from typing import Any

import parliament
from parliament import analyze_policy_string, is_arn_match
from parliament.statement import get_privilege_info

#: parliament issues that do not mean a grant is too broad or wrong
_HARMLESS = frozenset({"RESOURCE_MISMATCH"})


def parliament_problems(policy: dict[str, Any]) -> list[str]:
    """Parliament's findings that matter for a single exact grant.

    RESOURCE_MISMATCH is reported for actions that act on several resource types (RunInstances,
    CreateTags) when the policy names only one; it is only accepted when the resource does match
    one of the action's resource formats, which ``assert_least_privilege`` checks separately.
    """
    findings = analyze_policy_string(json.dumps(policy)).findings
    problems = []
    for finding in findings:
        if finding.issue in _HARMLESS and _resource_matches_some_format(policy):
            continue
        problems.append(f"{finding.issue}: {finding.detail}")
    return problems


def _resource_matches_some_format(policy: dict[str, Any]) -> bool:
    statement = policy["Statement"][0]
    service, name = statement["Action"].split(":")
    info = get_privilege_info(service, name)
    formats = [r["resource_type"].rstrip("*") for r in info["resource_types"] if r["resource_type"]]
    service_info = next(s for s in parliament.iam_definition if s["prefix"] == service)
    arns = {r["resource"]: re.sub(r"\$\{.*?\}", "*", r["arn"]) for r in service_info["resources"]}
    return any(
        is_arn_match(rtype, arns[rtype], statement["Resource"])
        for rtype in formats
        if rtype in arns
    )


def assert_least_privilege(policy: dict[str, Any], action: str, resource: str) -> None:
    """One Allow statement, one action, the exact resource, and nothing parliament objects to."""
    assert policy["Version"] == "2012-10-17"
    assert len(policy["Statement"]) == 1
    statement = policy["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == action
    assert statement["Resource"] == resource
    assert statement["Sid"].isalnum()
    assert parliament_problems(policy) == []
