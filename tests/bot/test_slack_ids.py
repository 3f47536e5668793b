"""Slack identifiers are unique, and button values survive a round trip but not tampering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import slack_ids
from bot.slack_ids import InvalidActionValue, decode_value, encode_value

_IDS = st.text(alphabet="abcXYZ019_.:-", min_size=1, max_size=slack_ids.MAX_ID_LENGTH)


def _constants() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(slack_ids).items()
        if name.isupper() and isinstance(value, str)
    }


def test_every_identifier_is_unique() -> None:
    values = list(_constants().values())
    assert len(values) == len(set(values))


def test_identifiers_fit_slacks_255_characters() -> None:
    assert all(0 < len(v) <= 255 for v in _constants().values())


def test_entry_points_have_the_documented_names() -> None:
    assert slack_ids.COMMAND == "/decode-backup-error"
    assert slack_ids.SHORTCUT_CALLBACK == "explain_backup_error"
    assert slack_ids.MODAL_CALLBACK == "decode_backup_error_modal"


@given(request_id=_IDS, remedy_id=_IDS | st.just(""))
def test_values_round_trip(request_id: str, remedy_id: str) -> None:
    value = encode_value(request_id, remedy_id)
    assert decode_value(value) == (request_id, remedy_id)
    assert len(value) < 2000


@pytest.mark.parametrize(
    ("request_id", "remedy_id"),
    [("", "GRANT"), ("req|1", "GRANT"), ("req-1", "a|b"), ("r" * 129, "GRANT"), ("req 1", "G")],
)
def test_encode_refuses_ids_that_cannot_travel(request_id: str, remedy_id: str) -> None:
    with pytest.raises(InvalidActionValue):
        encode_value(request_id, remedy_id)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "req-1|GRANT",  # no version
        "v2|req-1|GRANT",  # unknown version
        "v1|req-1|GRANT|extra",
        "v1||GRANT",  # no request id
        "v1|req-1|<!channel>",
        "v1|req-1|GRANT\n",
        "v1|" + "r" * 300 + "|GRANT",
        "x" * 5000,
    ],
)
def test_decode_rejects_tampered_values(value: str) -> None:
    with pytest.raises(InvalidActionValue):
        decode_value(value)


def test_remedy_buttons_get_distinct_action_ids_the_handler_pattern_matches() -> None:
    ids = [slack_ids.request_fix_action_id(i) for i in range(25)]
    assert len(set(ids)) == 25
    assert all(slack_ids.REQUEST_FIX_PATTERN.fullmatch(i) for i in ids)
    assert slack_ids.REQUEST_FIX_PATTERN.fullmatch(slack_ids.ACTION_REQUEST_FIX)
    assert not slack_ids.REQUEST_FIX_PATTERN.fullmatch("request_fix:x")


def test_block_id_carries_the_request_within_255_characters() -> None:
    assert slack_ids.block_id(slack_ids.BLOCK_DECISION, "req-1") == "decision:req-1"
    assert len(slack_ids.block_id(slack_ids.BLOCK_DECISION, "r" * 400)) == 255
