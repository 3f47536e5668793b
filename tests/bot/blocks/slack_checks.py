"""Reusable checks of rendered Block Kit: Slack's limits, and that nothing untrusted is parsed.

``to_dict()`` already runs slack_sdk's own validators; these checks add the limits it does not
know about (unique action ids, non-empty text, option values) and the escaping rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks import slack_limits as limits

# The only <...> tokens the bot itself writes: validated user mentions and date formatting.
_ALLOWED_TOKEN = re.compile(
    r"<@[UW][A-Z0-9]{2,}>|<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>|]*>"
)
_ENTITY = re.compile(r"&(amp|lt|gt);")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def as_dicts(rendered: Sequence[Block] | View) -> list[dict[str, Any]]:
    """The blocks as Slack receives them (running slack_sdk's validators)."""
    if isinstance(rendered, View):
        return list(rendered.to_dict()["blocks"])
    return [block.to_dict() for block in rendered]


def text_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every plain_text and mrkdwn object anywhere under ``node``."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)


def mrkdwn_texts(rendered: Sequence[Block] | View) -> list[str]:
    """The text of every mrkdwn object: what Slack parses for mentions, links and formatting."""
    return [t["text"] for t in text_objects(as_dicts(rendered)) if t["type"] == "mrkdwn"]


def assert_within_slack_limits(rendered: Sequence[Block] | View) -> None:
    """Fail if Slack would reject the message or view."""
    is_view = isinstance(rendered, View)
    if isinstance(rendered, View):
        _check_view(rendered.to_dict())
    blocks = as_dicts(rendered)
    assert 0 < len(blocks) <= (limits.VIEW_BLOCKS if is_view else limits.MESSAGE_BLOCKS)
    for text in text_objects(blocks):
        assert text["text"].strip(), f"empty text object: {text}"
    action_ids = [e["action_id"] for e in _elements(blocks) if "action_id" in e]
    assert len(action_ids) == len(set(action_ids)), f"duplicate action ids: {action_ids}"
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), f"duplicate block ids: {block_ids}"
    for block in blocks:
        _check_block(block)
    for element in _elements(blocks):
        _check_element(element)


def assert_mrkdwn_safe(texts: Sequence[str]) -> None:
    """Fail if any mrkdwn text could ping, link or format something the bot did not write."""
    for text in texts:
        for token in re.findall(r"<[^>]*>?", text):
            assert _ALLOWED_TOKEN.fullmatch(token), f"unescaped <…> {token!r} in {text!r}"
        for index in [m.start() for m in re.finditer("&", text)]:
            assert _ENTITY.match(text, index), f"bare & at {index} in {text!r}"
        assert text.count("`") % 2 == 0, f"unbalanced backticks in {text!r}"
        outside_code = _CODE.sub("", text)
        assert "*bold*" not in outside_code, f"formatting reached Slack: {text!r}"


def _check_view(view: dict[str, Any]) -> None:
    assert 1 <= len(view["title"]["text"]) <= limits.MODAL_TITLE
    for key in ("submit", "close"):
        if key in view:
            assert len(view[key]["text"]) <= limits.MODAL_BUTTON
    assert len(view.get("private_metadata", "")) <= limits.PRIVATE_METADATA


def _check_block(block: dict[str, Any]) -> None:
    kind = block["type"]
    if kind == "section":
        assert "text" in block or "fields" in block
        assert len(block.get("text", {}).get("text", "")) <= limits.SECTION_TEXT
        assert len(block.get("fields", [])) <= limits.SECTION_FIELDS
        assert all(len(f["text"]) <= limits.FIELD_TEXT for f in block.get("fields", []))
    elif kind == "header":
        assert len(block["text"]["text"]) <= limits.HEADER_TEXT
    elif kind == "context":
        assert len(block["elements"]) <= limits.CONTEXT_ELEMENTS
        assert all(len(e["text"]) <= limits.CONTEXT_TEXT for e in block["elements"])
    elif kind == "actions":
        assert 0 < len(block["elements"]) <= limits.ACTIONS_ELEMENTS
    elif kind == "input":
        assert len(block["label"]["text"]) <= limits.INPUT_LABEL
        assert len(block.get("hint", {}).get("text", "")) <= limits.INPUT_HINT
    assert len(block.get("block_id", "")) <= 255


def _check_element(element: dict[str, Any]) -> None:
    assert len(element.get("action_id", "")) <= limits.ACTION_ID
    if element["type"] == "button":
        assert len(element["text"]["text"]) <= limits.BUTTON_TEXT
        assert len(element.get("value", "")) < limits.BUTTON_VALUE
        assert len(element.get("url", "")) <= limits.URL
        assert ("url" in element) != ("value" in element), "a button either links or acts"
    if "confirm" in element:
        dialog = element["confirm"]
        assert len(dialog["title"]["text"]) <= limits.CONFIRM_TITLE
        assert len(dialog["text"]["text"]) <= limits.CONFIRM_TEXT
        assert len(dialog["confirm"]["text"]) <= limits.CONFIRM_BUTTON
    if element["type"] == "plain_text_input":
        assert element.get("max_length", 0) <= limits.PLAIN_TEXT_INPUT
        assert len(element.get("initial_value", "")) <= element.get("max_length", 0)
    for option in element.get("options", []):
        assert len(option["text"]["text"]) <= limits.OPTION_TEXT
        assert len(option["value"]) <= limits.OPTION_VALUE
    assert len(element.get("options", [])) <= limits.OPTIONS


def _elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        if block["type"] == "actions":
            yield from block["elements"]
        for key in ("accessory", "element"):
            if key in block:
                yield block[key]
