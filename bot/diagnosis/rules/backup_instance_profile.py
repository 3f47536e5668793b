"""An EC2 restore that asked for another instance profile than the one backed up.

AWS Backup refuses to attach a *new* instance profile on restore ("AWS Backup does not permit
attaching a new instance profile to an EC2 instance"), whatever the IAM policies say: no grant
helps. Restore with the backed-up profile, or with no IAM role and attach one afterwards.
"""

from __future__ import annotations

from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.rules.backup_restore_passrole import can_rerun_restore
from bot.diagnosis.rules.details import base_details

NEW_PROFILE_PHRASE = "does not permit attaching a new instance profile"


def check(ctx: RuleContext) -> list[Hit]:
    """BACKUP_RESTORE_NEW_INSTANCE_PROFILE: re-run with the backed-up profile, or with none."""
    if NEW_PROFILE_PHRASE not in ctx.status_text.lower():
        return []
    job = ctx.job
    details = base_details(ctx) | {
        "restore_role": (job.iam_role_arn if job else None) or "the restore job's IAM role",
        "passed_role": "the role of the instance profile you attach",
    }
    remedies = {
        "RESTORE_WITH_BACKED_UP_PROFILE": RemedyParams(),
        "RESTORE_WITHOUT_IAM_ROLE": RemedyParams(automatic=can_rerun_restore(ctx)),
    }
    return [Hit("BACKUP_RESTORE_NEW_INSTANCE_PROFILE", details, remedies)]
