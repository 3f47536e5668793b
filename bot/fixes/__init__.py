"""The fix catalogue: plan (preview for approvers) -> apply (idempotent) -> follow -> revert.

Only the fixes in ``FIXES`` exist. Each takes boto3 clients or a session from the caller (the
worker assumes the fix role) and maps AWS errors to ``TransientFixError``/``PermanentFixError``.
"""

from __future__ import annotations

from bot.fixes.diff import policies_after, policy_diff
from bot.fixes.errors import FixError, PermanentFixError, TransientFixError, classify
from bot.fixes.follow import RestoreStatus, follow_restore
from bot.fixes.grant_passrole import POLICY_PREFIX, policy_name_for
from bot.fixes.outcome import FixOutcome
from bot.fixes.registry import FIXES, Fix, apply_fix, plan_fix
from bot.fixes.restore import INSTANCE_PROFILE_KEY, idempotency_token
from bot.fixes.revert_grant import plan_revert, revert

__all__ = [
    "FIXES",
    "INSTANCE_PROFILE_KEY",
    "POLICY_PREFIX",
    "Fix",
    "FixError",
    "FixOutcome",
    "PermanentFixError",
    "RestoreStatus",
    "TransientFixError",
    "apply_fix",
    "classify",
    "follow_restore",
    "idempotency_token",
    "plan_fix",
    "plan_revert",
    "policies_after",
    "policy_diff",
    "policy_name_for",
    "revert",
]
