"""Rule: deny statements on aws:RequestTag keys mean the request lacked those tags."""

from __future__ import annotations

from typing import Any

import pytest

from bot.diagnosis.rules import request_tags
from tests.bot.diagnosis.conftest import RuleContextFactory
from tests.bot.diagnosis.messages import decoded_message, deny_statement

CALLER = "arn:aws:sts::851725412353:assumed-role/Admin/staging-user"


@pytest.mark.parametrize(
    ("statements", "tags", "sid"),
    [
        (
            [
                deny_statement(
                    "EnforceMandatoryTagsPresence",
                    conditions={
                        "aws:RequestTag/infrastructure": ["true"],
                        "aws:RequestTag/stage": ["true"],
                    },
                )
            ],
            "infrastructure, stage",
            "EnforceMandatoryTagsPresence",
        ),
        (
            [
                deny_statement("A", conditions={"aws:RequestTag/team": ["true"]}),
                deny_statement(
                    "B",
                    conditions={"aws:RequestTag/team": ["true"], "aws:RequestTag/cost": ["true"]},
                ),
            ],
            "team, cost",
            "A, B",
        ),
    ],
)
def test_names_tags_and_statements(
    make_ctx: RuleContextFactory, statements: list[dict[str, Any]], tags: str, sid: str
) -> None:
    ctx = make_ctx(
        decoded_message(CALLER, "ec2:RunInstances", explicit=True, statements=statements)
    )
    (hit,) = request_tags.check(ctx)
    assert (hit.code, hit.details["tags"], hit.details["sid"]) == ("REQUEST_TAG_MISSING", tags, sid)


@pytest.mark.parametrize(
    "statements",
    [[], [deny_statement(conditions={"aws:ResourceTag/team": ["x"]})], [deny_statement()]],
)
def test_silent_without_request_tag_conditions(
    make_ctx: RuleContextFactory, statements: list[dict[str, Any]]
) -> None:
    ctx = make_ctx(
        decoded_message(CALLER, "ec2:RunInstances", explicit=True, statements=statements)
    )
    assert request_tags.check(ctx) == []
