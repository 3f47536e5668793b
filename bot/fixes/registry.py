"""The fix catalogue: the only changes the bot can make (a job names a request, not an API call)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

import boto3

from bot.fixes import grant_passrole, restore_without_iam_role, revert_grant
from bot.fixes.errors import PermanentFixError
from bot.fixes.outcome import FixOutcome
from bot.models import Diagnosis, FixId, FixPlan, Remedy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


class PlanFix(Protocol):
    """Builds the preview of a fix from a diagnosis and the chosen remedy."""

    def __call__(
        self,
        diagnosis: Diagnosis,
        remedy: Remedy,
        request_id: str,
        iam_client: IAMClient,
        simulate: bool,
    ) -> FixPlan: ...


class ApplyFix(Protocol):
    """Carries out an approved plan, idempotently for a given request and run."""

    def __call__(
        self,
        plan: FixPlan,
        request_id: str,
        session: boto3.Session,
        run: int = 0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> FixOutcome: ...


@dataclass(frozen=True)
class Fix:
    """One catalogue entry."""

    id: FixId
    changes_iam: bool
    apply: ApplyFix
    plan: PlanFix | None  # None: planned from an earlier request (REVERT_GRANT: plan_revert)


FIXES: Mapping[FixId, Fix] = MappingProxyType(
    {
        "RESTORE_WITHOUT_IAM_ROLE": Fix(
            "RESTORE_WITHOUT_IAM_ROLE",
            False,
            restore_without_iam_role.apply,
            restore_without_iam_role.plan,
        ),
        "GRANT_PASSROLE": Fix("GRANT_PASSROLE", True, grant_passrole.apply, grant_passrole.plan),
        "REVERT_GRANT": Fix("REVERT_GRANT", True, revert_grant.apply, None),
    }
)


def plan_fix(
    diagnosis: Diagnosis,
    remedy: Remedy,
    request_id: str,
    iam_client: IAMClient,
    simulate: bool = True,
) -> FixPlan:
    """The plan of the remedy's catalogue fix; ``PermanentFixError`` when it names none."""
    entry = next((fix for fix_id, fix in FIXES.items() if fix_id == remedy.fix), None)
    if entry is None or entry.plan is None or not remedy.automatic:
        raise PermanentFixError(
            f"The bot cannot carry out '{remedy.title}' itself.", "Follow the remedy's steps."
        )
    return entry.plan(diagnosis, remedy, request_id, iam_client, simulate)


def apply_fix(plan: FixPlan, request_id: str, session: boto3.Session, run: int = 0) -> FixOutcome:
    """Apply an approved plan with its catalogue fix (``run``: retries after a failure)."""
    return FIXES[plan.fix].apply(plan, request_id, session, run)
