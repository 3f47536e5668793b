"""Runs the rules and turns their hits into catalogue-worded findings and remedies.

A rule that raises becomes a RULE_FAILED finding (logged with its traceback), so one faulty
check never costs the user the rest of the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.arns import role_name
from bot.diagnosis.catalogue import Catalogue, load_catalogue, render
from bot.diagnosis.context import Hit, RemedyParams, Rule, RuleContext
from bot.diagnosis.policy import inline_policy_name
from bot.diagnosis.rules import FALLBACK_RULES, NOTE_RULES, RULES
from bot.models import Finding, Remedy, severity_rank

logger = logging.getLogger(__name__)

RULE_FAILED = "RULE_FAILED"


def rule_name(rule: Rule) -> str:
    """The rule's module name, which is how people know it (``kms``, ``passrole``)."""
    return getattr(rule, "__module__", "").rsplit(".", 1)[-1] or repr(rule)


def run_rule(rule: Rule, ctx: RuleContext) -> list[Hit]:
    """The rule's hits, or one RULE_FAILED hit naming it when it raises."""
    try:
        return list(rule(ctx))
    except Exception as exc:
        logger.exception("diagnosis rule %s failed", rule_name(rule))
        return [Hit(RULE_FAILED, {"rule": rule_name(rule), "error": type(exc).__name__})]


def run_rules(
    ctx: RuleContext,
    rules: Iterable[Rule] | None = None,
    fallback: Iterable[Rule] | None = None,
    notes: Iterable[Rule] | None = None,
) -> list[Hit]:
    """Every hit in rule order; the fallback rules run only when no other rule concluded.

    Without arguments the lists of ``bot.diagnosis.rules`` run.
    """
    hits = [hit for rule in (RULES if rules is None else rules) for hit in run_rule(rule, ctx)]
    if all(hit.code == RULE_FAILED for hit in hits):
        fallback = FALLBACK_RULES if fallback is None else fallback
        hits += [hit for rule in fallback for hit in run_rule(rule, ctx)]
    notes = NOTE_RULES if notes is None else notes
    return hits + [hit for rule in notes for hit in run_rule(rule, ctx)]


def assemble(
    hits: list[Hit], catalogue: Catalogue | None = None
) -> tuple[list[Finding], list[Remedy]]:
    """Findings sorted by severity (rule order within one), remedies without IAM changes first."""
    catalogue = catalogue or load_catalogue()
    ranked = sorted(
        (hit for hit in hits if hit.code in catalogue.findings),
        key=lambda hit: severity_rank(catalogue.findings[hit.code].severity),
    )
    unknown = [hit.code for hit in hits if hit.code not in catalogue.findings]
    if unknown:
        logger.error("diagnosis rules emitted codes missing from the catalogue: %s", unknown)
    findings = [_finding(hit, catalogue) for hit in ranked]
    remedies: dict[str, Remedy] = {}
    for hit in ranked:
        for remedy_id in catalogue.findings[hit.code].remedies:
            if remedy_id not in hit.skip and remedy_id not in remedies:
                remedies[remedy_id] = _remedy(remedy_id, hit, catalogue)
    ordered = sorted(remedies.values(), key=lambda r: (r.changes_iam, not r.automatic))
    return findings, ordered


def _finding(hit: Hit, catalogue: Catalogue) -> Finding:
    entry = catalogue.findings[hit.code]
    details = dict(hit.details)
    return Finding(
        code=hit.code,
        title=render(entry.title, details),
        explanation=render(entry.explanation, details),
        severity=entry.severity,
        details=details,
    )


def _remedy(remedy_id: str, hit: Hit, catalogue: Catalogue) -> Remedy:
    entry = catalogue.remedies[remedy_id]
    params = hit.remedies.get(remedy_id, RemedyParams())
    # An IAM change can only be automatic when the bot knows both the policy and where it goes.
    complete = not entry.changes_iam or (params.attach_to is not None and params.policy is not None)
    details = dict(hit.details)
    names = {
        "attach_to_name": role_name(params.attach_to) or "the role",
        "passed_role_name": _policy_role_name(params.policy) or "the role",
    }
    return Remedy(
        id=remedy_id,
        title=render(entry.title, details),
        description=render(entry.description, details),
        changes_iam=entry.changes_iam,
        automatic=entry.automatic and params.automatic and complete,
        fix=entry.fix,
        attach_to=params.attach_to,
        policy=params.policy,
        policy_name=inline_policy_name(params.policy),
        confirm=render(entry.confirm, details | names) if entry.confirm else None,
    )


def _policy_role_name(policy: dict[str, object] | None) -> str | None:
    """The name of the role a (PassRole) policy's first statement is about."""
    statements = (policy or {}).get("Statement") or []
    first = statements[0] if isinstance(statements, list) and statements else {}
    resource = first.get("Resource") if isinstance(first, dict) else None
    return role_name(resource) if isinstance(resource, str) else None
