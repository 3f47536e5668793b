"""Cards for things that went wrong: a domain error, or text the bot could not use."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.elements import context, section
from bot.blocks.mrkdwn import bold, literal
from bot.blocks.usage import usage_blocks
from bot.errors import BackupDoctorError

_EMOJI = {
    "MESSAGE_INVALID": ":hourglass:",
    "JOB_NOT_FOUND": ":mag:",
    "ACCOUNT_UNKNOWN": ":grey_question:",
    "INPUT_UNUSABLE": ":grey_question:",
    "BOT_ACCESS_DENIED": ":lock:",
    "AWS_THROTTLED": ":snail:",
    "AWS_UNAVAILABLE": ":cloud:",
    "STATE_UNAVAILABLE": ":warning:",
    "NOT_ALLOWED": ":no_entry_sign:",
    "STALE_ACTION": ":information_source:",
}


def error_card(error: BackupDoctorError) -> list[Block]:
    """What happened, in one bold line, then what to do next and the error code for support."""
    emoji = _EMOJI.get(error.code, ":warning:")
    message = bold(error.user_message.strip() or "Something went wrong.", 500)
    blocks: list[Block] = [section(f"{emoji} {message}")]
    if error.next_step.strip():
        blocks.append(section(literal(error.next_step, 1000)))
    blocks.append(context(f"Error code: {literal(error.code, 100)}"))
    return blocks


def rejection_card(message: str) -> list[Block]:
    """Why the text could not be used, followed by what the bot accepts."""
    return [section(f":grey_question: {literal(message, 1000)}"), *usage_blocks()]
