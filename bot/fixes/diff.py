"""What an approver reads: the role's inline policies before and after, as a unified diff."""

from __future__ import annotations

import difflib
import json
from typing import Any

from bot.arns import role_name
from bot.models import FixPlan


def policy_diff(plan: FixPlan) -> str:
    """A unified diff of the role's inline policies (pretty JSON); "" when IAM does not change."""
    if plan.role_arn is None or plan.inline_policies_after is None:
        return ""
    role = role_name(plan.role_arn) or plan.role_arn
    lines = difflib.unified_diff(
        _pretty(plan.current_inline_policies),
        _pretty(plan.inline_policies_after),
        fromfile=f"{role} inline policies now",
        tofile=f"{role} inline policies after the fix",
        lineterm="",
    )
    return "\n".join(lines)


def _pretty(policies: dict[str, dict[str, Any]]) -> list[str]:
    return json.dumps(policies, indent=2, sort_keys=True).splitlines()
