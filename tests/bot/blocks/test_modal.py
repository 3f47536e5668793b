"""The decode modal: one text box, optional account and region, the channel in metadata."""

from __future__ import annotations

from typing import Any

from bot import slack_ids
from bot.blocks import decode_modal
from tests.bot.blocks.samples import make_account
from tests.bot.blocks.slack_checks import assert_within_slack_limits


def _view(**kwargs: Any) -> dict[str, Any]:
    view = decode_modal(**kwargs)
    assert_within_slack_limits(view)
    return dict(view.to_dict())


def test_modal_ids_and_buttons_come_from_slack_ids() -> None:
    view = _view(accounts=[make_account(1)], channel_id="C0123CHAN")
    assert view["callback_id"] == slack_ids.MODAL_CALLBACK
    assert view["submit"]["text"] == "Explain"
    assert view["private_metadata"] == "C0123CHAN"
    assert [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"]] == [
        (slack_ids.MODAL_TEXT_BLOCK, slack_ids.MODAL_TEXT_ACTION),
        (slack_ids.MODAL_ACCOUNT_BLOCK, slack_ids.MODAL_ACCOUNT_ACTION),
        (slack_ids.MODAL_REGION_BLOCK, slack_ids.MODAL_REGION_ACTION),
    ]


def test_text_box_takes_slacks_maximum_and_says_what_to_do_beyond_it() -> None:
    text_block = _view(accounts=[], initial_text="AQoDYXdz")["blocks"][0]
    assert text_block["element"]["max_length"] == 3000
    assert text_block["element"]["multiline"] is True
    assert text_block["element"]["initial_value"] == "AQoDYXdz"
    assert "shortcut" in text_block["hint"]["text"]
    assert "only the encoded message" in text_block["hint"]["text"]


def test_too_long_text_is_not_prefilled_half_cut() -> None:
    text_block = _view(accounts=[], initial_text="x" * 5000)["blocks"][0]
    assert "initial_value" not in text_block["element"]


def test_without_accounts_there_are_no_selects() -> None:
    assert len(_view(accounts=[])["blocks"]) == 1


def test_selects_are_optional_and_built_from_the_config() -> None:
    view = _view(accounts=[make_account(1), make_account(2, "dev")])
    account, region = view["blocks"][1], view["blocks"][2]
    assert account["optional"] is True
    assert [o["value"] for o in account["element"]["options"]] == ["000000000001", "000000000002"]
    assert account["element"]["options"][1]["text"]["text"] == "dev (000000000002)"
    assert [o["value"] for o in region["element"]["options"]] == ["eu-west-1", "us-east-1"]


def test_a_hundred_and_fifty_accounts_list_a_hundred_and_say_so() -> None:
    view = _view(accounts=[make_account(i, "n" * 200) for i in range(150)])
    account = view["blocks"][1]
    assert len(account["element"]["options"]) == 100
    assert "account=" in account["hint"]["text"]


def test_odd_channel_ids_are_not_stored() -> None:
    assert _view(accounts=[], channel_id="x" * 4000).get("private_metadata", "") == ""
