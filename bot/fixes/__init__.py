"""The fix catalogue: plan (preview for approvers) -> apply (idempotent) -> follow -> revert.

Only the fixes in the catalogue exist (``bot.fixes.catalogue``). Plans use the read role's
clients; ``apply`` gets a ``FixRun`` with the fix-role session. Every AWS call goes through
``bot.aws``, whose errors say whether they are worth another attempt (``error.transient``).
"""

from __future__ import annotations

from bot.fixes.catalogue import (
    apply_fix,
    fix_for,
    fix_ids,
    plan_fix,
    plan_revert,
    register,
)
from bot.fixes.diff import policy_diff
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs, RiskTier
from bot.fixes.follow import follow_restore
from bot.fixes.restore import INSTANCE_PROFILE_KEY, idempotency_token

__all__ = [
    "INSTANCE_PROFILE_KEY",
    "Fix",
    "FixOutcome",
    "FixRun",
    "PlanInputs",
    "RiskTier",
    "apply_fix",
    "fix_for",
    "fix_ids",
    "follow_restore",
    "idempotency_token",
    "plan_fix",
    "plan_revert",
    "policy_diff",
    "register",
]
