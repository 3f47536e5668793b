"""Error cards, rejections, help and the instant ack."""

from __future__ import annotations

from bot import slack_ids
from bot.blocks import error_card, looking_at_it, rejection_card, usage_blocks
from bot.errors import BackupDoctorError, MessageInvalid, StaleAction
from tests.bot.blocks.slack_checks import as_dicts, assert_within_slack_limits, mrkdwn_texts


def test_error_card_says_what_happened_and_what_to_do() -> None:
    error = MessageInvalid(
        "This message has expired", "Re-run the restore to get a fresh one, then paste it here."
    )
    blocks = error_card(error)
    assert_within_slack_limits(blocks)
    assert [t for t in mrkdwn_texts(blocks)] == [
        ":hourglass: *This message has expired*",
        "Re-run the restore to get a fresh one, then paste it here.",
        "Error code: MESSAGE_INVALID",
    ]


def test_error_card_without_next_step_is_two_lines() -> None:
    blocks = error_card(StaleAction("Already approved by someone else"))
    assert len(blocks) == 2
    assert mrkdwn_texts(blocks)[0] == ":information_source: *Already approved by someone else*"


def test_unknown_error_code_gets_a_generic_sign() -> None:
    assert mrkdwn_texts(error_card(BackupDoctorError("Boom")))[0] == ":warning: *Boom*"


def test_usage_shows_an_example_of_every_input() -> None:
    blocks = usage_blocks()
    assert_within_slack_limits(blocks)
    text = "\n".join(mrkdwn_texts(blocks))
    for example in (
        "Encoded authorization failure message:",
        "AQoDYXdz",
        "3B8A5F52-D4A1-9F3C-2E7B-0C1D9A8B7E6F",
        "arn:aws:backup:",
        '{"allowed": false',
        "account=111122223333 region=eu-west-1",
        "Explain backup error",
        f"Type `{slack_ids.COMMAND}` with nothing after it",
    ):
        assert example in text, example


def test_rejection_says_why_then_how() -> None:
    blocks = rejection_card("That doesn't look like an AWS error.")
    assert_within_slack_limits(blocks)
    assert mrkdwn_texts(blocks)[0] == ":grey_question: That doesn't look like an AWS error."
    assert as_dicts(blocks)[1]["type"] == "header"


def test_looking_at_it_is_one_short_line() -> None:
    assert [b.to_dict() for b in looking_at_it()] == [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": ":mag: Looking at it…"}]}
    ]
