"""Before a worker applies an approved change: is what it was planned on still what is there?

An IAM change is planned on the role's inline policies as they were (``current_inline_policies``)
and approved with its exact result (``inline_policies_after``). If someone changed the role since,
applying the plan would approve what nobody reviewed: the worker applies nothing and says which
policies moved. Finding the plan's own result means a run after the change was made (a retried or
resumed run): not drift. Nor are the bot's own other policies (``backup-doctor-...``), each
approved and audited on its own: two grants on one role may be approved in either order.
"""

from __future__ import annotations

from typing import Any

from bot.models import FixPlan

Policies = dict[str, dict[str, Any]]

#: every inline policy the bot writes is named with this prefix and a request id
BOT_POLICY_PREFIX = "backup-doctor-"


def inline_policy_drift(plan: FixPlan, live: Policies) -> str | None:
    """What changed on the role since the plan, in one sentence; None when nothing did."""
    if plan.inline_policies_after is None:
        return None
    own = {plan.policy_name} if plan.policy_name else set()

    def others(policies: Policies) -> Policies:
        """Without the bot's other requests' policies (the plan's own one is kept)."""
        return {
            name: doc
            for name, doc in policies.items()
            if name in own or not name.startswith(BOT_POLICY_PREFIX)
        }

    before, after, live = (
        others(plan.current_inline_policies),
        others(plan.policies_after()),
        others(live),
    )
    if live in (before, after):
        return None
    moved = sorted(name for name in set(live) | set(before) if live.get(name) != before.get(name))
    return (
        f"The role's inline policies changed since this fix was planned ({', '.join(moved)}), "
        "so the approved change no longer describes what it would do. Nothing was changed."
    )
