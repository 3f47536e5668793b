"""Rule: where a cut encoded message was looked for in CloudTrail is said, found or not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.diagnosis import diagnose
from bot.diagnosis.context import RuleContext
from bot.diagnosis.rules import cloudtrail_recovery
from bot.models import ParsedInput, TrailLookup
from tests.bot.diagnosis.conftest import RuleContextFactory

CUT = ParsedInput(
    kind="error_text",
    encoded_message="AQoDYXdzEJr",
    truncated=True,
    called_api="RunInstances",
)
WHEN = datetime(2026, 12, 4, 9, 15, 2, tzinfo=UTC)
FOUND = TrailLookup(
    status="found",
    called_api="RunInstances",
    account_id="111122223333",
    regions=["us-east-1", "eu-west-1"],
    event_id="0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    event_time=WHEN,
    region="eu-west-1",
    decoded=True,
)
DECODED = {"allowed": False, "context": {"action": "iam:PassRole"}}


def _ctx(make_ctx: RuleContextFactory, lookup: TrailLookup, decoded: bool) -> RuleContext:
    ctx = make_ctx(decoded=DECODED if decoded else None, parsed=CUT)
    return RuleContext(
        parsed=ctx.parsed,
        denial=ctx.denial,
        job=None,
        status_text="",
        cloudtrail=lookup,
    )


def test_no_lookup_no_note(make_ctx: RuleContextFactory) -> None:
    assert cloudtrail_recovery.check(make_ctx(parsed=CUT)) == []


def test_a_decoded_recovery_names_the_event_its_time_and_region(
    make_ctx: RuleContextFactory,
) -> None:
    (hit,) = cloudtrail_recovery.check(_ctx(make_ctx, FOUND, decoded=True))
    assert hit.code == "MESSAGE_FROM_CLOUDTRAIL"
    assert hit.details["event_id"] == FOUND.event_id
    assert hit.details["event_time"] == "2026-12-04 09:15:02 UTC"
    assert hit.details["event_region"] == "eu-west-1"


def test_an_event_whose_message_was_not_decoded_says_why(make_ctx: RuleContextFactory) -> None:
    lookup = FOUND.model_copy(update={"decoded": False, "problem": "STS said it expired"})
    (hit,) = cloudtrail_recovery.check(_ctx(make_ctx, lookup, decoded=False))
    assert hit.code == "MESSAGE_IN_CLOUDTRAIL_NOT_DECODED"
    assert hit.details["problem"] == "STS said it expired"


@pytest.mark.parametrize(
    ("lookup", "code", "where"),
    [
        (
            TrailLookup(
                status="not_found",
                called_api="RunInstances",
                account_id="111122223333",
                regions=["us-east-1", "eu-west-1"],
            ),
            "MESSAGE_NOT_IN_CLOUDTRAIL",
            "account 111122223333 (us-east-1, eu-west-1)",
        ),
        (
            TrailLookup(status="not_read", called_api="RunInstances", problem="no account"),
            "CLOUDTRAIL_NOT_READ",
            "the account",
        ),
    ],
    ids=["not-found", "not-read"],
)
def test_nothing_found_says_where_it_looked(
    make_ctx: RuleContextFactory, lookup: TrailLookup, code: str, where: str
) -> None:
    (hit,) = cloudtrail_recovery.check(_ctx(make_ctx, lookup, decoded=False))
    assert hit.code == code
    assert hit.details["where"] == where


def test_on_the_card_the_recovered_message_replaces_the_cut_message_finding() -> None:
    codes = [f.code for f in diagnose(CUT, decoded=DECODED, cloudtrail=FOUND).findings]
    assert "MESSAGE_FROM_CLOUDTRAIL" in codes
    assert "ENCODED_MESSAGE_CUT" not in codes
    remedies = [r.id for r in diagnose(CUT, decoded=DECODED, cloudtrail=FOUND).remedies]
    assert "OPEN_CLOUDTRAIL_EVENT" in remedies


def test_not_found_keeps_the_cut_message_finding_beside_the_note() -> None:
    lookup = TrailLookup(status="not_found", called_api="RunInstances", regions=["us-east-1"])
    codes = [f.code for f in diagnose(CUT, cloudtrail=lookup).findings]
    assert "ENCODED_MESSAGE_CUT" in codes
    assert "MESSAGE_NOT_IN_CLOUDTRAIL" in codes
