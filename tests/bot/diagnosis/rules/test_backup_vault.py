"""Rule: a copy denied by the destination vault's access policy."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import backup_vault
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory

VAULT = "arn:aws:backup:eu-west-1:444455556666:backup-vault:central"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Access Denied trying to call AWS Backup service", True),
        ("access denied trying to call AWS Backup service.", True),
        ("Access Denied", False),
    ],
)
def test_when_it_fires(make_ctx: RuleContextFactory, text: str, fires: bool) -> None:
    assert bool(backup_vault.check(make_ctx(status_text=text))) is fires


def test_names_vault_and_source_account(make_ctx: RuleContextFactory, restore_job: Job) -> None:
    job = restore_job.model_copy(update={"job_type": "copy", "destination_vault_arn": VAULT})
    (hit,) = backup_vault.check(
        make_ctx(job=job, status_text="Access Denied trying to call AWS Backup service")
    )
    assert (hit.details["destination_vault"], hit.details["source_account"]) == (
        VAULT,
        "111122223333",
    )
    assert hit.details["action"] == "backup:CopyIntoBackupVault"


def test_without_a_job_the_vault_and_account_are_unknown(make_ctx: RuleContextFactory) -> None:
    (hit,) = backup_vault.check(
        make_ctx(status_text="Access Denied trying to call AWS Backup service")
    )
    assert "destination_vault" not in hit.details
    assert "source_account" not in hit.details
