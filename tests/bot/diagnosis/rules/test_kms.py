"""Rule: KMS key denials (key policy and identity policy) and AWS managed keys."""

from __future__ import annotations

import pytest

from bot.diagnosis.rules import kms
from bot.models import Job, SentenceDenial
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.least_privilege import assert_least_privilege
from tests.bot.diagnosis.messages import BACKUP_SESSION, RESTORE_ROLE, decoded_message

LOCAL_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REMOTE_KEY = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MANAGED_ALIAS = "arn:aws:kms:us-east-1:444455556666:alias/aws/ebs"


@pytest.mark.parametrize(
    "action",
    [
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
    ],
)
def test_key_actions_get_an_exact_grant_on_the_job_role(
    make_ctx: RuleContextFactory, restore_job: Job, action: str
) -> None:
    ctx = make_ctx(
        decoded_message(BACKUP_SESSION, action, LOCAL_KEY, explicit=False), job=restore_job
    )
    (hit,) = kms.check(ctx)
    assert hit.code == "KMS_KEY_ACCESS_DENIED"
    grant = hit.remedies["GRANT_KMS_KEY_USE"]
    assert grant.attach_to == RESTORE_ROLE
    assert grant.policy is not None
    assert_least_privilege(grant.policy, action, LOCAL_KEY)


@pytest.mark.parametrize(("key", "cross"), [(REMOTE_KEY, True), (LOCAL_KEY, False)])
def test_cross_account_key_is_explained(
    make_ctx: RuleContextFactory, key: str, cross: bool
) -> None:
    ctx = make_ctx(decoded_message(BACKUP_SESSION, "kms:Decrypt", key, explicit=False))
    (hit,) = kms.check(ctx)
    assert ("444455556666" in hit.details["cross_account_note"]) is cross


@pytest.mark.parametrize(
    ("action", "resource", "status", "codes"),
    [
        ("kms:Decrypt", MANAGED_ALIAS, "", ["KMS_AWS_MANAGED_KEY_CROSS_ACCOUNT"]),
        (None, None, "Given key ID is not accessible", ["KMS_AWS_MANAGED_KEY_CROSS_ACCOUNT"]),
        ("ec2:RunInstances", None, "", []),
    ],
)
def test_aws_managed_key(
    make_ctx: RuleContextFactory,
    action: str | None,
    resource: str | None,
    status: str,
    codes: list[str],
) -> None:
    message = decoded_message(BACKUP_SESSION, action, resource) if action else None
    assert [h.code for h in kms.check(make_ctx(message, status_text=status))] == codes


def test_explicit_deny_on_a_key_is_left_to_the_explicit_deny_rule(
    make_ctx: RuleContextFactory,
) -> None:
    ctx = make_ctx(decoded_message(BACKUP_SESSION, "kms:Decrypt", LOCAL_KEY, explicit=True))
    assert kms.check(ctx) == []


def test_key_policy_deny_keeps_only_the_key_policy_remedy(make_ctx: RuleContextFactory) -> None:
    sentence = SentenceDenial(explicit_deny=False, policy_type="resource")
    ctx = make_ctx(decoded_message(BACKUP_SESSION, "kms:Decrypt", REMOTE_KEY), sentence)
    (hit,) = kms.check(ctx)
    assert hit.skip == frozenset({"GRANT_KMS_KEY_USE"})
