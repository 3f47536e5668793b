"""Rule: prerequisites of a failed copy into another account."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import cross_account_copy
from bot.models import Job
from tests.bot.diagnosis.conftest import RuleContextFactory

OTHER = "arn:aws:backup:eu-west-1:444455556666:backup-vault:central"
SAME = "arn:aws:backup:eu-west-1:111122223333:backup-vault:local"


@pytest.mark.parametrize(
    ("job_type", "status", "vault", "fires"),
    [
        ("copy", "FAILED", OTHER, True),
        ("copy", None, OTHER, True),
        ("copy", "COMPLETED", OTHER, False),
        ("copy", "FAILED", SAME, False),
        ("copy", "FAILED", None, False),
        ("restore", "FAILED", OTHER, False),
    ],
)
def test_when_it_fires(
    make_ctx: RuleContextFactory,
    restore_job: Job,
    job_type: str,
    status: str | None,
    vault: str | None,
    fires: bool,
) -> None:
    job = restore_job.model_copy(
        update={"job_type": job_type, "status": status, "destination_vault_arn": vault}
    )
    hits = cross_account_copy.check(make_ctx(job=job))
    assert [h.details["destination_account"] for h in hits] == (["444455556666"] if fires else [])
