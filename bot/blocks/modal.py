"""The modals: the one to paste an error into (an empty command), and the one asking for the job
ID of a restore to re-run after a grant made without it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import slack_ids
from bot.blocks import slack_limits as limits
from bot.blocks.mrkdwn import plain
from bot.config import AccountConfig

_CHANNEL_ID = re.compile(r"^[A-Z0-9]{1,64}$")
TEXT_HINT = (
    "Longer than 3,000 characters? Use the Explain backup error shortcut on the message that "
    "holds the error, or paste only the encoded message."
)
ANY_HINT = "Leave it empty to let the bot find it."
MORE_ACCOUNTS_HINT = (
    "Only the first 100 accounts are listed. For another, add account=<id> to the text."
)


def decode_modal(
    accounts: Sequence[AccountConfig], initial_text: str = "", channel_id: str = ""
) -> View:
    """A form with the error text and, when accounts are configured, an account and a region."""
    blocks: list[Block] = [_text_input(initial_text)]
    if accounts:
        blocks += [_account_select(accounts), _region_select(accounts)]
    return View(
        type="modal",
        callback_id=slack_ids.MODAL_CALLBACK,
        title=PlainTextObject(text="Explain a backup error"),
        submit=PlainTextObject(text="Explain"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=channel_id if _CHANNEL_ID.fullmatch(channel_id) else "",
        blocks=blocks,
    )


def _text_input(initial_text: str) -> InputBlock:
    return InputBlock(
        block_id=slack_ids.MODAL_TEXT_BLOCK,
        label=PlainTextObject(text="Error, encoded message, job ID or job ARN"),
        hint=PlainTextObject(text=TEXT_HINT, emoji=False),
        element=PlainTextInputElement(
            action_id=slack_ids.MODAL_TEXT_ACTION,
            multiline=True,
            max_length=limits.PLAIN_TEXT_INPUT,
            # A longer text would be cut without a sign, so it is not prefilled; the hint says why.
            initial_value=initial_text
            if 0 < len(initial_text) <= limits.PLAIN_TEXT_INPUT
            else None,
            placeholder=PlainTextObject(text="Paste the whole error here"),
        ),
    )


def _account_select(accounts: Sequence[AccountConfig]) -> InputBlock:
    options = [
        Option(
            value=a.id, text=PlainTextObject(text=plain(a.label, limits.OPTION_TEXT), emoji=False)
        )
        for a in accounts[: limits.OPTIONS]
    ]
    hint = ANY_HINT if len(accounts) <= limits.OPTIONS else MORE_ACCOUNTS_HINT
    return _select(
        slack_ids.MODAL_ACCOUNT_BLOCK, slack_ids.MODAL_ACCOUNT_ACTION, "Account", options, hint
    )


def _region_select(accounts: Sequence[AccountConfig]) -> InputBlock:
    regions = sorted({region for account in accounts for region in account.regions})
    options = [
        Option(value=r, text=PlainTextObject(text=plain(r, limits.OPTION_TEXT)))
        for r in regions[: limits.OPTIONS]
    ]
    return _select(
        slack_ids.MODAL_REGION_BLOCK, slack_ids.MODAL_REGION_ACTION, "Region", options, ANY_HINT
    )


def _select(
    block_id: str, action_id: str, label: str, options: list[Option], hint: str
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        optional=True,
        hint=PlainTextObject(text=hint),
        element=StaticSelectElement(
            action_id=action_id, placeholder=PlainTextObject(text="Any"), options=options
        ),
    )


def rerun_modal(request_id: str) -> View:
    """Ask for the failed restore's job ID; the answer is diagnosed in the request's thread."""
    return View(
        type="modal",
        callback_id=slack_ids.RERUN_MODAL_CALLBACK,
        title=PlainTextObject(text="Re-run the restore"),
        submit=PlainTextObject(text="Find the job"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=request_id,
        blocks=[
            InputBlock(
                block_id=slack_ids.RERUN_JOB_BLOCK,
                label=PlainTextObject(text="Restore job ID or ARN"),
                hint=PlainTextObject(
                    text=(
                        "AWS Backup console, Jobs, Restore jobs: the failed job. The bot reads "
                        "it and offers the re-run with the same settings, for approval."
                    ),
                    emoji=False,
                ),
                element=PlainTextInputElement(
                    action_id=slack_ids.RERUN_JOB_ACTION,
                    max_length=300,
                    placeholder=PlainTextObject(text="e.g. 0D8B1F7A-1C2E-4B3A-9F6D-5E4C3B2A1908"),
                ),
            )
        ],
    )
