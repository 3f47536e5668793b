"""The engine: crashing rules become findings, severity order, remedy order, fallback."""

from __future__ import annotations

import pytest

from bot.diagnosis import diagnose, engine
from bot.diagnosis.context import Hit, RemedyParams, RuleContext
from bot.diagnosis.engine import assemble, run_rules
from bot.models import Job, ParsedInput
from tests.bot.diagnosis.conftest import RuleContextFactory


def crashing_rule(ctx: RuleContext) -> list[Hit]:
    raise KeyError("no such key")


def seed_like_rule(ctx: RuleContext) -> list[Hit]:
    return [Hit("BACKUP_RESTORE_PASSROLE_DENIED")]


def fallback_rule(ctx: RuleContext) -> list[Hit]:
    return [Hit("NOT_ENOUGH_INFORMATION")]


def test_a_crashing_rule_becomes_a_finding(make_ctx: RuleContextFactory) -> None:
    hits = run_rules(make_ctx(), rules=[crashing_rule, seed_like_rule], fallback=[], notes=[])
    assert [h.code for h in hits] == ["RULE_FAILED", "BACKUP_RESTORE_PASSROLE_DENIED"]
    assert hits[0].details == {"rule": "test_engine", "error": "KeyError"}
    findings, _ = assemble(hits)
    assert "test_engine" in findings[1].explanation


def test_fallback_runs_only_when_no_rule_concluded(make_ctx: RuleContextFactory) -> None:
    ctx = make_ctx()
    assert [h.code for h in run_rules(ctx, [seed_like_rule], [fallback_rule], [])] == [
        "BACKUP_RESTORE_PASSROLE_DENIED"
    ]
    assert [h.code for h in run_rules(ctx, [crashing_rule], [fallback_rule], [])] == [
        "RULE_FAILED",
        "NOT_ENOUGH_INFORMATION",
    ]


def test_a_crashing_rule_in_the_real_list_does_not_cost_the_answer(
    monkeypatch: pytest.MonkeyPatch, restore_job: Job
) -> None:
    monkeypatch.setattr(engine, "RULES", (crashing_rule, *engine.RULES))
    result = diagnose(ParsedInput(kind="job_id"), None, restore_job)
    assert [f.code for f in result.findings] == ["BACKUP_RESTORE_LIKELY_PASSROLE", "RULE_FAILED"]


def test_findings_sort_by_severity_then_rule_order() -> None:
    hits = [
        Hit("INPUT_INCOMPLETE"),
        Hit("IMPLICIT_DENY"),
        Hit("EXPLICIT_DENY_SCP"),
        Hit("PASSROLE_DENIED"),
    ]
    findings, _ = assemble(hits)
    assert [f.severity for f in findings] == ["critical", "high", "medium", "info"]


def test_remedies_without_iam_changes_come_first_and_are_not_repeated() -> None:
    hits = [
        Hit("PASSROLE_DENIED", remedies={"GRANT_PASSROLE": RemedyParams()}),
        Hit("BACKUP_RESTORE_PASSROLE_DENIED"),
        Hit("BACKUP_RESTORE_LIKELY_PASSROLE"),
    ]
    _, remedies = assemble(hits)
    assert [r.id for r in remedies] == [
        "RESTORE_WITHOUT_IAM_ROLE",
        "DECODE_FULL_MESSAGE",
        "GRANT_PASSROLE",
    ]


def test_iam_remedy_without_role_or_policy_is_never_automatic() -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "A"}]}
    cases = [
        (RemedyParams(), False),
        (RemedyParams(attach_to="arn:aws:iam::111122223333:role/r"), False),
        (RemedyParams(policy=policy), False),
        (RemedyParams(attach_to="arn:aws:iam::111122223333:role/r", policy=policy), True),
        (
            RemedyParams(
                attach_to="arn:aws:iam::111122223333:role/r", policy=policy, automatic=False
            ),
            False,
        ),
    ]
    for params, automatic in cases:
        _, remedies = assemble([Hit("PASSROLE_DENIED", remedies={"GRANT_PASSROLE": params})])
        assert remedies[0].automatic is automatic, params


def test_skipped_remedies_are_left_out() -> None:
    _, remedies = assemble(
        [Hit("BACKUP_RESTORE_PASSROLE_DENIED", skip=frozenset({"GRANT_PASSROLE"}))]
    )
    assert [r.id for r in remedies] == ["RESTORE_WITHOUT_IAM_ROLE"]


def test_unknown_codes_are_dropped_not_raised() -> None:
    findings, remedies = assemble([Hit("NO_SUCH_CODE"), Hit("INPUT_INCOMPLETE")])
    assert [f.code for f in findings] == ["INPUT_INCOMPLETE"]
    assert [r.id for r in remedies] == ["DECODE_FULL_MESSAGE"]
