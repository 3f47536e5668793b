"""A copy denied by the destination vault's access policy (no blob, only a status text)."""

from __future__ import annotations

from bot.diagnosis.context import Hit, RuleContext
from bot.diagnosis.rules.details import base_details

VAULT_DENIED_PHRASE = "access denied trying to call aws backup service"


def check(ctx: RuleContext) -> list[Hit]:
    """BACKUP_VAULT_ACCESS_DENIED: the vault policy must allow backup:CopyIntoBackupVault."""
    if VAULT_DENIED_PHRASE not in ctx.status_text.lower():
        return []
    job = ctx.job
    details = base_details(ctx) | {
        "action": "backup:CopyIntoBackupVault",
    }
    if job and job.destination_vault_arn:
        details["destination_vault"] = job.destination_vault_arn
    if job:
        details["source_account"] = job.account_id
    return [Hit("BACKUP_VAULT_ACCESS_DENIED", details)]
