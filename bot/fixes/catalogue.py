"""The fix catalogue: the only changes the bot can make (a job names a request, not an API call).

Each entry comes from its own module (``FIX``); adding a fix is that module plus one line here.
Tests may ``register`` a fixture fix for the length of a test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.errors import FixRefused
from bot.fixes import grant_kms_key_use, grant_passrole, restore_without_iam_role, revert_grant
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.restore import more_restore_params, start_more_restores
from bot.models import Diagnosis, FixPlan

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

_FIXES: dict[str, Fix] = {
    fix.id: fix
    for fix in (
        restore_without_iam_role.FIX,
        grant_passrole.FIX,
        grant_kms_key_use.FIX,
        revert_grant.FIX,
    )
}


def fix_for(fix_id: str | None) -> Fix:
    """The catalogue entry of ``fix_id``; ``FixRefused`` for anything not in the catalogue."""
    entry = _FIXES.get(fix_id or "")
    if entry is None:
        raise FixRefused(f"{fix_id or 'This'} is not a fix the bot can carry out.", _STEPS)
    return entry


def fix_ids() -> frozenset[str]:
    """Every fix the catalogue holds."""
    return frozenset(_FIXES)


@contextmanager
def register(fix: Fix) -> Iterator[Fix]:
    """Add ``fix`` to the catalogue while the block runs (tests: a fixture fix)."""
    if fix.id in _FIXES:
        raise ValueError(f"{fix.id} is already in the fix catalogue")
    _FIXES[fix.id] = fix
    try:
        yield fix
    finally:
        del _FIXES[fix.id]


def plan_fix(inputs: PlanInputs) -> FixPlan:
    """The plan of the chosen remedy's catalogue fix; ``FixRefused`` when it names none."""
    remedy = inputs.remedy
    entry = _FIXES.get(remedy.fix or "") if remedy else None
    # a fix that undoes an earlier request is planned from that request (plan_revert), never
    # from a remedy on a card
    if remedy is None or not remedy.automatic or entry is None or entry.undoes_request:
        title = remedy.title if remedy else "this"
        raise FixRefused(f"The bot cannot carry out '{title}' itself.", _STEPS)
    return _with_more_restores(entry.plan(inputs), inputs)


def _with_more_restores(plan: FixPlan, inputs: PlanInputs) -> FixPlan:
    """A plan that re-runs one restore also re-runs the other jobs of its burst, the same way."""
    if plan.restore_params is None or not inputs.more_jobs:
        return plan
    replays, skipped = more_restore_params(plan.restore_params, inputs.more_jobs)
    summary = plan.summary
    if replays:
        summary += f" Then re-run the {len(replays)} other restore jobs that failed the same way."
    if skipped:
        summary += f" Not re-run (their settings cannot be replayed): {', '.join(skipped)}."
    return plan.model_copy(update={"more_restore_params": replays, "summary": summary})


def plan_revert(
    earlier: FixPlan, *, diagnosis: Diagnosis, request_id: str, iam: IAMClient
) -> FixPlan:
    """The plan that undoes ``earlier`` (its entry's ``revert_with``); ``FixRefused`` if none."""
    reverter = fix_for(earlier.fix).revert_with
    if reverter is None:
        raise FixRefused("Only a finished permission grant can be reverted.", _STEPS)
    inputs = PlanInputs(diagnosis, request_id, iam, earlier=earlier)
    return fix_for(reverter).plan(inputs)


def apply_fix(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Apply an approved plan with its catalogue fix (``run.run``: retries after a failure),
    then start the re-runs of the burst's other jobs once the first re-run has started."""
    outcome = fix_for(plan.fix).apply(plan, run)
    if not plan.more_restore_params or outcome.restore_job_id is None:
        return outcome
    more = start_more_restores(plan, run)
    summary = f"{outcome.summary} {len(more)} more restore jobs started."
    return outcome.model_copy(update={"more_restore_job_ids": more, "summary": summary})


_STEPS = "Follow the remedy's steps."
