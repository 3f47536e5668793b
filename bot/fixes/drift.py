"""Before a worker applies an approved change: is what it was planned on still what is there?

An IAM change is planned on the role's inline policies as they were (``current_inline_policies``)
and approved with its exact result (``inline_policies_after``). If someone changed the role since,
applying the plan would approve what nobody reviewed: the worker applies nothing and says which
policies moved. Finding the plan's own result means a run after the change was made (a retried or
resumed run): not drift.
"""

from __future__ import annotations

from typing import Any

from bot.models import FixPlan

Policies = dict[str, dict[str, Any]]


def inline_policy_drift(plan: FixPlan, live: Policies) -> str | None:
    """What changed on the role since the plan, in one sentence; None when nothing did."""
    if plan.inline_policies_after is None:
        return None
    before, after = plan.current_inline_policies, plan.policies_after()
    if live in (before, after):
        return None
    moved = sorted(name for name in set(live) | set(before) if live.get(name) != before.get(name))
    return (
        f"The role's inline policies changed since this fix was planned ({', '.join(moved)}), "
        "so the approved change no longer describes what it would do. Nothing was changed."
    )
