"""Help text: every kind of input the bot accepts, with an example of each; and the quick ack."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock, PlainTextObject

from bot import slack_ids
from bot.blocks.elements import context, section

_EXAMPLES = (
    ("The encoded message alone", "AQoDYXdzEJr...(the whole blob)"),
    ("The whole error, pasted as it is", "... Encoded authorization failure message: AQoDYXdz..."),
    ("A restore, backup or copy job ID", "3B8A5F52-D4A1-9F3C-2E7B-0C1D9A8B7E6F"),
    ("A job ARN", "arn:aws:backup:eu-west-1:111122223333:restore-job:3B8A5F52-..."),
    ("A message you already decoded (JSON)", '{"allowed": false, "explicitDeny": false, ...}'),
    (
        "Any of these, with the account and region",
        "3B8A5F52-... account=111122223333 region=eu-west-1",
    ),
)


def usage_blocks() -> list[Block]:
    """How to use the bot: the command, the message shortcut and the modal, with examples."""
    lines = [f"• {label}:\n`{slack_ids.COMMAND} {example}`" for label, example in _EXAMPLES]
    return [
        HeaderBlock(text=PlainTextObject(text="Explain an AWS Backup error", emoji=False)),
        section("Paste any of these after the command:\n" + "\n".join(lines)),
        section(
            "*No need to copy a long error:* open the message that holds it, choose "
            "*More actions* (⋮), then *Explain backup error*.\n"
            f"*Prefer a form?* Type `{slack_ids.COMMAND}` with nothing after it."
        ),
        context(f"`{slack_ids.COMMAND} help` shows this again."),
    ]


def looking_at_it() -> list[Block]:
    """The instant reply while the bot works (only the asker sees it)."""
    return [context(":mag: Looking at it…")]
