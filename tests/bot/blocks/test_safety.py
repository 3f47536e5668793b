"""Every builder, fed hostile or huge input: nothing pings or links, and Slack accepts it all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks import (
    approval_card,
    decode_modal,
    decoded_view,
    diagnosis_card,
    error_card,
    outcome_card,
    progress_card,
    rejection_card,
    summary_text,
)
from bot.errors import BackupDoctorError
from bot.models import (
    Denial,
    Diagnosis,
    Finding,
    FixPlan,
    Job,
    MatchedStatement,
    ParsedInput,
    Remedy,
    RequestState,
)
from tests.bot.blocks.samples import HOSTILE, make_account, make_diagnosis, make_plan
from tests.bot.blocks.slack_checks import (
    assert_mrkdwn_safe,
    assert_within_slack_limits,
    mrkdwn_texts,
)

Rendered = Sequence[Block] | View
HUGE = "r" * 40_000


def _diagnosis_of(text: str, statements: int = 2) -> Diagnosis:
    """A diagnosis with ``text`` in every string field."""
    statement = MatchedStatement(sid=text, effect=text, conditions={text: [text, text]})
    return Diagnosis(
        input=ParsedInput(kind="error_text"),
        denial=Denial(
            principal_arn=text,
            role_arn=text,
            account_id=text,
            region=text,
            action=text,
            resource=text,
            explicit_deny=True,
            matched_statements=[statement] * statements,
        ),
        job=Job(
            job_id=text,
            job_type="restore",
            account_id=text,
            region=text,
            status=text,
            status_message=text,
            recovery_point_arn=text,
            creation_date=datetime(2025, 1, 1, tzinfo=UTC),
        ),
        findings=[Finding(code="X", title=text, explanation=text, details={text: text})] * 4,
        remedies=[
            Remedy(id=text, title=text, description=text, changes_iam=False, automatic=False),
            Remedy(
                id="R1",
                title=text,
                description=text,
                changes_iam=True,
                automatic=True,
                fix="RESTORE_WITHOUT_IAM_ROLE",
                attach_to=text,
                policy_name=text,
            ),
        ],
        decoded_message={text: text},
        account_name=text,
    )


def _plan_of(text: str) -> FixPlan:
    return make_plan(
        account_id=text,
        region=text,
        summary=text,
        role_arn=text,
        policy_name=text,
        policy={text: text},
        current_inline_policies={text: {text: text}},
        restore_params={text: text},
        simulation_before=text,
        simulation_after=text,
    )


def _renders(text: str) -> list[Rendered]:
    """Every builder's output with ``text`` in every field it takes."""
    plan, diagnosis = _plan_of(text), _diagnosis_of(text)
    job = diagnosis.job
    cards: list[Rendered] = [
        diagnosis_card(diagnosis, request_id="req-1", account_label=text, requester=text),
        error_card(BackupDoctorError(text, text)),
        rejection_card(text),
        decoded_view({text: [text, {text: text}]}, title=text),
        decode_modal([make_account(1, text)], initial_text=text, channel_id=text),
        progress_card("restore_running", request_id="req-1", job_id=text, percent=40),
    ]
    for state in get_args(RequestState):
        cards.append(
            approval_card(
                plan,
                request_id="req-1",
                requester=text,
                remedy_title=text,
                state=state,
                decided_by=text,
                decided_at=datetime(2025, 1, 1, tzinfo=UTC),
                diff=text,
                reason=text,
            )
        )
    for outcome in ("SUCCEEDED", "FAILED", "REVERTED"):
        cards.append(
            outcome_card(plan, outcome, request_id="req-1", job=job, reason=text, retryable=True)
        )
    return cards


def test_hostile_names_never_reach_slack_unescaped() -> None:
    texts = [summary_text(_diagnosis_of(HOSTILE))]
    for rendered in _renders(HOSTILE):
        texts += mrkdwn_texts(rendered)
    assert_mrkdwn_safe(texts)
    assert any("&lt;!channel&gt;" in t for t in texts)


def test_hostile_names_are_shown_not_dropped() -> None:
    headline = mrkdwn_texts(
        diagnosis_card(_diagnosis_of(HOSTILE), request_id="r", account_label=None)
    )[0]
    assert "&lt;https://evil.example|ok&gt;" in headline
    assert "&amp;amp;" in headline


@pytest.mark.parametrize("index", range(len(_renders("x"))))
def test_every_builder_fits_slack_with_huge_input(index: int) -> None:
    assert_within_slack_limits(_renders(HUGE)[index])


def test_diagnosis_with_two_hundred_statements_and_huge_names_fits() -> None:
    card = diagnosis_card(_diagnosis_of(HUGE, statements=200), request_id="r", account_label=HUGE)
    assert_within_slack_limits(card)


def test_modal_with_a_hundred_accounts_fits() -> None:
    assert_within_slack_limits(decode_modal([make_account(i, HUGE) for i in range(100)]))


def test_long_decoded_json_fits_a_view() -> None:
    assert_within_slack_limits(decoded_view({f"k{i}": HUGE for i in range(30)}))


def test_realistic_card_is_safe_too() -> None:
    card = diagnosis_card(make_diagnosis(), request_id="req-1", account_label=None)
    assert_mrkdwn_safe(mrkdwn_texts(card))


_TEXT = st.text(max_size=300) | st.sampled_from([HOSTILE, HUGE, "", " ", "`", "&", "<", "*"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_any_text_in_any_field_renders_safely(text: str) -> None:
    texts = [summary_text(_diagnosis_of(text))]
    for rendered in _renders(text):
        assert_within_slack_limits(rendered)
        texts += mrkdwn_texts(rendered)
    assert_mrkdwn_safe(texts)


@st.composite
def diagnoses(draw: st.DrawFn) -> Diagnosis:
    """Diagnoses whose string fields are drawn one by one, with every deny and remedy kind."""

    def text() -> str:
        return draw(_TEXT)

    statements = [
        MatchedStatement(sid=text(), conditions={text(): [text()]})
        for _ in range(draw(st.integers(0, 5)))
    ]
    remedies = [
        Remedy(
            id=text(),
            title=text(),
            description=text(),
            changes_iam=draw(st.booleans()),
            automatic=draw(st.booleans()),
            attach_to=text(),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return Diagnosis(
        input=ParsedInput(kind="decoded_message"),
        denial=None
        if draw(st.booleans())
        else Denial(
            principal_arn=text(),
            role_arn=text(),
            action=text(),
            resource=text(),
            region=text(),
            explicit_deny=draw(st.none() | st.booleans()),
            policy_type=draw(st.none() | st.sampled_from(["scp", "identity", "session"])),
            matched_statements=statements,
        ),
        job=Job(job_id=text(), job_type="backup", account_id=text(), region=text(), status=text()),
        findings=[Finding(code="C", title=text(), explanation=text())],
        remedies=remedies,
        decoded_message=draw(st.none() | st.just({"k": text()})),
        account_name=text(),
    )


@settings(max_examples=60, deadline=None)
@given(diagnosis=diagnoses(), label=st.none() | _TEXT, requester=st.none() | _TEXT)
def test_any_diagnosis_renders_a_safe_card(
    diagnosis: Diagnosis, label: str | None, requester: str | None
) -> None:
    card = diagnosis_card(diagnosis, request_id="req-1", account_label=label, requester=requester)
    assert_within_slack_limits(card)
    assert_mrkdwn_safe([*mrkdwn_texts(card), summary_text(diagnosis)])
