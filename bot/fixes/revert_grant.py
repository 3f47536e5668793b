"""REVERT_GRANT: remove exactly the inline policy a finished grant (iam:PassRole or key use)
added, nothing else."""

from __future__ import annotations

from bot.aws.iam import delete_inline_policy, inline_policies
from bot.errors import FixRefused
from bot.fixes import grant_kms_key_use, grant_passrole
from bot.fixes.fix import Fix, FixOutcome, FixRun, PlanInputs
from bot.fixes.policies import parse_role_arn
from bot.models import FixPlan

ID = "REVERT_GRANT"
#: the names of the inline policies the bot's grants add: a revert deletes nothing else
GRANT_PREFIXES = (grant_passrole.POLICY_PREFIX, grant_kms_key_use.POLICY_PREFIX)


def plan(inputs: PlanInputs) -> FixPlan:
    """The revert of a grant: the same role and policy name, and the role's policies now."""
    grant = inputs.earlier
    if grant is None or not grant.policy_name:
        raise FixRefused("Only a policy the bot added can be reverted.", _YOURSELF)
    role_name, policy_name = _target(grant)
    current = inline_policies(inputs.iam, role_name)
    return FixPlan(
        fix=ID,
        account_id=grant.account_id,
        region=grant.region,
        summary=f"Remove the inline policy {policy_name} the bot added to {role_name}.",
        role_arn=grant.role_arn,
        policy_name=policy_name,
        policy=grant.policy,
        current_inline_policies=current,
        inline_policies_after={k: v for k, v in current.items() if k != policy_name},
    )


def apply(plan: FixPlan, run: FixRun) -> FixOutcome:
    """Delete the bot's inline policy; one that is already gone counts as reverted."""
    if plan.fix != ID:
        raise FixRefused("Only a policy the bot added can be reverted.", _YOURSELF)
    role_name, policy_name = _target(plan)
    if not delete_inline_policy(
        run.session.client("iam"), role_name, policy_name, account=run.account
    ):
        return FixOutcome(fix=plan.fix, summary=f"{policy_name} was already removed.")
    return FixOutcome(
        fix=plan.fix, summary=f"Removed {policy_name} from {role_name}.", policy_removed=True
    )


_YOURSELF = "Remove other policies yourself."


def _target(plan: FixPlan) -> tuple[str, str]:
    """(role name, policy name), refusing any policy the bot did not name itself."""
    name = plan.policy_name or ""
    if not name.startswith(GRANT_PREFIXES) or not plan.role_arn:
        raise FixRefused("Only a policy the bot added can be reverted.", _YOURSELF)
    account_id, role_name = parse_role_arn(plan.role_arn)
    if account_id != plan.account_id:
        raise FixRefused("The plan's role is in another account.", "Request it again.")
    return role_name, name


FIX = Fix(
    id=ID,
    title="Revert the permission grant",
    tier="IAM_CHANGE",
    changes_iam=True,
    first_stage="applying_policy",
    plan=plan,
    apply=apply,
    undoes_request=True,
)
