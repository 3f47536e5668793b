"""Escaping and visible truncation of untrusted text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.blocks.mrkdwn import (
    TRUNCATED,
    bold,
    code,
    code_block,
    date,
    escape,
    fit,
    literal,
    mention,
    plain,
    truncate,
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://evil|ok>", "&lt;https://evil|ok&gt;"),
        ("&amp;", "&amp;amp;"),
        ("R&D", "R&amp;D"),
    ],
)
def test_escape_neutralises_mentions_links_and_entities(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_truncate_keeps_short_text_and_marks_cut_text() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 100, 30)
    assert len(cut) == 30
    assert cut.endswith(TRUNCATED)


def test_fit_never_leaves_half_an_entity() -> None:
    text = escape("a" * 8 + "&" * 10)
    for limit in range(16, 30):
        cut = fit(text, limit, "…")
        assert len(cut) <= limit
        head = cut.removesuffix("…")
        assert head.count("&") == head.count(";")


def test_literal_stops_formatting_but_keeps_it_readable() -> None:
    assert literal("*bold* ~strike~ `tick`") == "∗bold∗ ∼strike∼ ʼtickʼ"


def test_code_is_one_span_even_with_backticks_and_newlines() -> None:
    assert code("a`b\nc") == "`aʼb c`"
    assert code("") == "`-`"


def test_code_is_cut_visibly() -> None:
    rendered = code("r" * 40_000, 100)
    assert len(rendered) <= 100
    assert rendered.endswith("…`")


def test_code_block_cannot_be_closed_early() -> None:
    block = code_block("before ``` after")
    assert block.count("```") == 2


def test_bold_cannot_be_ended_early() -> None:
    assert bold("a*b") == "*a∗b*"


def test_plain_is_one_line_never_empty_and_capped() -> None:
    assert plain("  two\nlines ", 75) == "two lines"
    assert plain("   ", 75) == "-"
    assert plain("x" * 100, 75) == "x" * 74 + "…"


@pytest.mark.parametrize(
    ("user_id", "rendered"),
    [
        ("U123ABC", "<@U123ABC>"),
        ("W0ENTERPRISE1", "<@W0ENTERPRISE1>"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("U1>", "U1&gt;"),
        ("u123abc", "u123abc"),
        (None, "someone"),
    ],
)
def test_mention_only_for_real_looking_user_ids(user_id: str | None, rendered: str) -> None:
    assert mention(user_id) == rendered


def test_date_uses_slack_formatting_with_a_utc_fallback() -> None:
    moment = datetime(2025, 3, 4, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    assert date(moment) == (
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|2025-03-04 10:30 UTC>"
    )


def test_date_reads_naive_times_as_utc() -> None:
    naive = datetime(2025, 3, 4, 10, 30)
    assert date(naive) == date(naive.replace(tzinfo=UTC))
