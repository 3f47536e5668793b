"""The diagnosis rules, run in this explicit order (no discovery): one module per rule.

``RULES`` always run; ``FALLBACK_RULES`` only when no rule in ``RULES`` concluded anything;
``NOTE_RULES`` always run last and add remarks about the input itself.
"""

from __future__ import annotations

from bot.diagnosis.context import Rule
from bot.diagnosis.rules import (
    authorization_lookup,
    backup_instance_profile,
    backup_not_authorized,
    backup_restore_passrole,
    backup_service_policy,
    backup_vault,
    cloudtrail_recovery,
    cross_account_copy,
    explicit_deny,
    generic,
    guardrail,
    input_incomplete,
    kms,
    missing_resource,
    not_iam,
    passrole,
    request_tags,
    tag_on_create,
    unread_message,
)

RULES: tuple[Rule, ...] = (
    not_iam.check,
    backup_restore_passrole.check,
    backup_instance_profile.check,
    backup_not_authorized.check,
    backup_service_policy.check,
    backup_vault.check,
    cross_account_copy.check,
    explicit_deny.check,
    guardrail.check,
    request_tags.check,
    passrole.check,
    tag_on_create.check,
    kms.check,
)
FALLBACK_RULES: tuple[Rule, ...] = (generic.check, missing_resource.check)
NOTE_RULES: tuple[Rule, ...] = (
    input_incomplete.check,
    unread_message.check,
    cloudtrail_recovery.check,
    authorization_lookup.check,
)
