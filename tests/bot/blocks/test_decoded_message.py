"""The decoded message view, split to fit Slack and cut visibly."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks import decoded_view
from bot.blocks.decoded_message import json_chunks
from bot.blocks.mrkdwn import escape
from tests.bot.blocks.slack_checks import as_dicts, assert_within_slack_limits


def _sections(decoded: dict[str, Any]) -> list[str]:
    view = decoded_view(decoded)
    assert_within_slack_limits(view)
    return [b["text"]["text"] for b in as_dicts(view) if b["type"] == "section"]


def test_small_message_is_one_pretty_code_block() -> None:
    assert _sections({"allowed": False}) == ['```\n{\n  "allowed": false\n}\n```']


def test_view_is_a_modal_that_warns_it_is_private() -> None:
    view = decoded_view({"a": 1}).to_dict()
    assert view["type"] == "modal"
    assert view["title"]["text"] == "Decoded message"
    assert "Only you can see this" in view["blocks"][0]["elements"][0]["text"]


def test_long_json_is_split_without_losing_a_character() -> None:
    decoded = {f"key{i}": "<value & more>" * 20 for i in range(200)}
    chunks = json_chunks(decoded)
    assert len(chunks) > 1
    assert "\n".join(chunks) == escape(json.dumps(decoded, indent=2))


def test_a_single_huge_value_is_split_too() -> None:
    chunks = json_chunks({"k": "&" * 20_000})
    assert all(len(c) <= 2992 for c in chunks)
    assert all(c.count("&") == c.count(";") for c in chunks)


def test_beyond_the_view_limit_it_says_what_was_cut() -> None:
    view = decoded_view({"k": "x" * 400_000})
    assert_within_slack_limits(view)
    last = as_dicts(view)[-1]
    assert last["elements"][0]["text"].startswith("… (truncated: ")


def test_long_title_is_cut_to_24_characters() -> None:
    assert (
        len(decoded_view({}, title="A very long title for a modal").to_dict()["title"]["text"])
        == 24
    )
