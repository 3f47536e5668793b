"""Small building blocks shared by the cards: sections, context lines, buttons and confirms.

Callers pass text that is already safe (escaped with ``bot.blocks.mrkdwn``); these functions only
enforce Slack's length limits, so a long text is cut visibly instead of rejected.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks import slack_limits as limits
from bot.blocks.mrkdwn import fit, plain


def mrkdwn(text: str, limit: int) -> MarkdownTextObject:
    """A mrkdwn text object of safe ``text``, cut visibly; Slack rejects blank text, so "-"."""
    return MarkdownTextObject(text=fit(text, limit) if text.strip() else "-")


def section(text: str) -> SectionBlock:
    """A section of safe mrkdwn, cut visibly at Slack's 3000 characters."""
    return SectionBlock(text=mrkdwn(text, limits.SECTION_TEXT))


def fields_section(fields: Sequence[str]) -> SectionBlock:
    """A section of up to 10 short mrkdwn fields (label and value), each capped at 2000."""
    texts = [mrkdwn(f, limits.FIELD_TEXT) for f in fields]
    return SectionBlock(fields=texts[: limits.SECTION_FIELDS])


def context(*texts: str) -> ContextBlock:
    """A small grey line (or a few) of safe mrkdwn."""
    elements = [mrkdwn(t, limits.CONTEXT_TEXT) for t in texts]
    return ContextBlock(elements=elements[: limits.CONTEXT_ELEMENTS])


def confirm(title: str, text: str, yes: str, style: str | None = None) -> ConfirmObject:
    """A confirm dialog in plain text (nothing in it is parsed by Slack)."""
    return ConfirmObject(
        title=PlainTextObject(text=plain(title, limits.CONFIRM_TITLE), emoji=False),
        text=PlainTextObject(text=plain(text, limits.CONFIRM_TEXT), emoji=False),
        confirm=PlainTextObject(text=plain(yes, limits.CONFIRM_BUTTON)),
        deny=PlainTextObject(text="Cancel"),
        style=style,
    )


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    dialog: ConfirmObject | None = None,
) -> ButtonElement:
    """A button that acts (its value is read back by the handler)."""
    return ButtonElement(
        text=PlainTextObject(text=plain(label, limits.BUTTON_TEXT), emoji=False),
        action_id=action_id,
        value=value,
        style=style,
        confirm=dialog,
    )


def link_button(label: str, action_id: str, url: str) -> ButtonElement:
    """A button that only opens a page (the URL is built by ``bot.blocks.links``)."""
    return ButtonElement(
        text=PlainTextObject(text=plain(label, limits.BUTTON_TEXT)), action_id=action_id, url=url
    )


def actions(elements: Sequence[ButtonElement], block_id: str | None = None) -> ActionsBlock:
    """A row of buttons, at most Slack's 25."""
    return ActionsBlock(elements=list(elements)[: limits.ACTIONS_ELEMENTS], block_id=block_id)
