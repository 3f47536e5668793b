"""What a fix is: one catalogue entry (``Fix``), what planning it is given, what running it is
given (``FixRun``), and what it reports (``FixOutcome``).

Everything the rest of the bot asks about a fix is on its entry: the approval rules read
``tier``, the worker ``first_stage``, ``revert_with`` and ``undoes_request``; the diff and the
audit read the plan's ``inline_policies_after``. A new fix is one module that defines ``FIX``
plus its line in ``bot.fixes.catalogue``; no id is spelled out anywhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

import boto3
from pydantic import BaseModel, ConfigDict

from bot.config import AccountConfig
from bot.models import Diagnosis, FixPlan, Job, Remedy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

#: how a fix is approved (``bot.approvals``): a restore re-run with no IAM change; an identity
#: policy change (whose card shows the exact policy and its diff first); a resource policy change
#: (key policy, vault access policy) or any change in another account than the request's
RiskTier = Literal["RESTORE_RERUN", "IAM_CHANGE", "RESOURCE_POLICY"]
#: the progress line the worker posts before it applies a fix (``bot.blocks.progress``)
FirstStage = Literal["applying_policy", "starting_restore"]


@dataclass(frozen=True)
class PlanInputs:
    """What planning a fix may use; each fix reads only what it needs."""

    diagnosis: Diagnosis
    request_id: str
    iam: IAMClient  # the read role's IAM client in the target account
    remedy: Remedy | None = None  # the remedy chosen on the card (None for a revert)
    earlier: FixPlan | None = None  # the plan a revert undoes
    simulate: bool = True
    #: the other jobs that failed the same way (a burst card): re-run with the first one
    more_jobs: tuple[Job, ...] = ()


@dataclass(frozen=True)
class FixRun:
    """One run of an approved fix: the fix-role session and what makes it idempotent."""

    request_id: str
    session: boto3.Session  # fresh fix-role session (approver as SourceIdentity)
    account: AccountConfig
    run: int = 0  # retries after a failure: a new run starts a new restore
    sleep: Callable[[float], None] = field(default=time.sleep)


class FixOutcome(BaseModel):
    """The result of one ``apply``: what changed in AWS, and the restore it started."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fix: str
    summary: str  # one plain sentence: what was done
    policy_put: bool = False  # the inline policy was written now (False: it was already there)
    policy_removed: bool = False  # the inline policy was deleted now (False: it was already gone)
    restore_job_id: str | None = None
    idempotency_token: str | None = None  # the StartRestoreJob token (same on every retry)
    more_restore_job_ids: list[str] = []  # the re-runs of the plan's ``more_restore_params``


class PlanFix(Protocol):
    """Builds the preview of a fix (read role only); raises ``FixRefused`` when it cannot."""

    def __call__(self, inputs: PlanInputs) -> FixPlan: ...


class ApplyFix(Protocol):
    """Carries out an approved plan, idempotently for a given request and run."""

    def __call__(self, plan: FixPlan, run: FixRun) -> FixOutcome: ...


@dataclass(frozen=True)
class Fix:
    """One catalogue entry: everything the bot knows about one fix."""

    id: str
    title: str  # what the approval card calls it when no remedy names it
    tier: RiskTier
    changes_iam: bool
    first_stage: FirstStage
    plan: PlanFix
    apply: ApplyFix
    #: the fix that undoes this one once it succeeded (a Revert button on its outcome)
    revert_with: str | None = None
    #: this fix undoes an earlier request, which moves to REVERTED when it succeeds
    undoes_request: bool = False
