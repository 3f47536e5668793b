"""What the bot's grants share: put one named inline policy (idempotently), let IAM settle, then
re-run the restore the plan carries. Each grant module vets its own policy first."""

from __future__ import annotations

from typing import Any, Final

from bot.aws.iam import inline_policy, put_inline_policy
from bot.fixes.fix import FixOutcome, FixRun
from bot.fixes.restore import start_restore
from bot.models import FixPlan

#: seconds to let a new IAM policy propagate before the restore that needs it starts
IAM_SETTLE_SECONDS: Final = 10.0


def put_and_rerun(
    plan: FixPlan, run: FixRun, role_name: str, name: str, policy: dict[str, Any]
) -> FixOutcome:
    """Put ``policy`` as ``name`` on the role unless it is there already, then start the re-run."""
    iam = run.session.client("iam")
    put = inline_policy(iam, role_name, name, account=run.account) != policy
    if put:
        put_inline_policy(iam, role_name, name, policy, account=run.account)
    summary = f"Added {name} to {role_name}" if put else "Already granted"
    if plan.restore_params is None:
        return FixOutcome(fix=plan.fix, summary=f"{summary}.", policy_put=put)
    if put:
        run.sleep(IAM_SETTLE_SECONDS)
    job_id, token = start_restore(plan, run)
    return FixOutcome(
        fix=plan.fix,
        summary=f"{summary}; restore job {job_id} started.",
        policy_put=put,
        restore_job_id=job_id,
        idempotency_token=token,
    )
