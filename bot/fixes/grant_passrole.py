"""GRANT_PASSROLE: let the restore role pass the instance's role, then re-run the restore.

The grant is one inline policy with a fixed, request-derived name, so putting it twice leaves one
policy and a revert knows exactly what to delete.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import boto3

from bot.fixes.errors import PermanentFixError, aws_errors
from bot.fixes.iam_policies import (
    check_passrole_policy,
    inline_policies,
    inline_policy,
    parse_role_arn,
    simulate_grant,
)
from bot.fixes.outcome import FixOutcome
from bot.fixes.restore import restore_params, start_restore
from bot.models import Diagnosis, FixPlan, Remedy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

#: every inline policy the bot adds starts with this; a revert deletes nothing else
POLICY_PREFIX: Final = "backup-doctor-passrole-"
#: seconds to let a new IAM policy propagate before the restore that needs it starts
IAM_SETTLE_SECONDS: Final = 10.0


def policy_name_for(request_id: str) -> str:
    """The inline policy name of a request's grant (fixed: the same request, the same name)."""
    return f"{POLICY_PREFIX}{request_id[:12]}"


def plan(
    diagnosis: Diagnosis, remedy: Remedy, request_id: str, iam_client: IAMClient, simulate: bool
) -> FixPlan:
    """The grant (policy, role, current policies, simulation) and the restore re-run, if any."""
    if not remedy.attach_to:
        raise PermanentFixError("The remedy names no role to grant to.", "Run the diagnosis again.")
    account_id, role_name = parse_role_arn(remedy.attach_to)
    policy = check_passrole_policy(remedy.policy, account_id)
    job = diagnosis.job
    params = restore_params(job, drop_instance_profile=False) if _is_restore(diagnosis) else None
    if job is not None and job.account_id != account_id:
        raise PermanentFixError(
            f"The role {remedy.attach_to} is not in the job's account {job.account_id}.",
            "Run the diagnosis again.",
        )
    before, after = (
        simulate_grant(iam_client, remedy.attach_to, policy) if simulate else (None, None)
    )
    rerun = " and re-run the restore with the same settings" if params else ""
    return FixPlan(
        fix="GRANT_PASSROLE",
        account_id=account_id,
        region=_region(diagnosis),
        summary=f"Add the inline policy {policy_name_for(request_id)} to {role_name}{rerun}.",
        role_arn=remedy.attach_to,
        policy_name=policy_name_for(request_id),
        policy=policy,
        current_inline_policies=inline_policies(iam_client, role_name),
        restore_params=params,
        simulation_before=before,
        simulation_after=after,
    )


def apply(
    plan: FixPlan,
    request_id: str,
    session: boto3.Session,
    run: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> FixOutcome:
    """Put the inline policy (unless already in place), then start the re-run idempotently."""
    role_name, policy = _checked(plan, request_id)
    iam = session.client("iam")
    put = inline_policy(iam, role_name, policy_name_for(request_id)) != policy
    if put:
        with aws_errors(f"add the inline policy to {role_name}"):
            iam.put_role_policy(
                RoleName=role_name,
                PolicyName=policy_name_for(request_id),
                PolicyDocument=json.dumps(policy, sort_keys=True),
            )
    summary = f"Added {policy_name_for(request_id)} to {role_name}" if put else "Already granted"
    if plan.restore_params is None:
        return FixOutcome(fix=plan.fix, summary=f"{summary}.", policy_put=put)
    if put:
        sleep(IAM_SETTLE_SECONDS)
    backup = session.client("backup", region_name=plan.region)
    job_id, token = start_restore(backup, plan, request_id, run)
    return FixOutcome(
        fix=plan.fix,
        summary=f"{summary}; restore job {job_id} started.",
        policy_put=put,
        restore_job_id=job_id,
        idempotency_token=token,
    )


def _checked(plan: FixPlan, request_id: str) -> tuple[str, dict[str, Any]]:
    """Re-vet the stored plan just before writing: right fix, right name, narrow policy."""
    if plan.fix != "GRANT_PASSROLE" or plan.policy_name != policy_name_for(request_id):
        raise PermanentFixError("This plan is not this request's grant.", "Request the fix again.")
    account_id, role_name = parse_role_arn(plan.role_arn or "")
    if account_id != plan.account_id:
        raise PermanentFixError("The plan's role is in another account.", "Request the fix again.")
    return role_name, check_passrole_policy(plan.policy, account_id)


def _is_restore(diagnosis: Diagnosis) -> bool:
    return diagnosis.job is not None and diagnosis.job.job_type == "restore"


def _region(diagnosis: Diagnosis) -> str:
    region = (
        (diagnosis.job.region if diagnosis.job else None)
        or (diagnosis.denial.region if diagnosis.denial else None)
        or diagnosis.input.region
    )
    if not region:
        raise PermanentFixError("The region is unknown.", "Ask again with region=<region>.")
    return region
