"""The remedies part of the diagnosis card: what can be done, and buttons for what the bot can do.

Remedies that change no IAM come first. Only remedies the bot can carry out get a button, and each
button opens a confirm dialog that says what will happen and that someone else must approve it.
Remedies the bot cannot do (ask a policy owner, meet a condition) are text, never a button.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ButtonElement

from bot import slack_ids
from bot.arns import role_name
from bot.blocks import slack_limits as limits
from bot.blocks.elements import button, confirm, section
from bot.blocks.mrkdwn import bold, literal, plain
from bot.models import Job, Remedy

#: remedies listed before "… and N more"; buttons stay below the 25 elements of an actions block
SHOWN_REMEDIES = 6
MAX_REMEDY_BUTTONS = 20
_BUTTON_SUFFIX = " · needs approval"


def ordered(remedies: Sequence[Remedy]) -> list[Remedy]:
    """Remedies with no IAM change first, otherwise in the diagnosis' order."""
    return sorted(remedies, key=lambda r: r.changes_iam)


def has_button(remedy: Remedy) -> bool:
    """True when the bot can carry the remedy out (and its id can travel in a button value)."""
    return remedy.automatic and slack_ids.is_valid_id(remedy.id)


def remedies_section(remedies: Sequence[Remedy]) -> Block:
    """A numbered list of every remedy with its description and who does it."""
    lines = ["*What you can do*"]
    for number, remedy in enumerate(remedies[:SHOWN_REMEDIES], start=1):
        lines.append(f"{number}. {bold(remedy.title)} ({_who(remedy)})")
        lines.append(literal(remedy.description, 400))
    hidden = len(remedies) - SHOWN_REMEDIES
    if hidden > 0:
        lines.append(f"… and {hidden} more")
    return section("\n".join(lines))


def remedy_buttons(
    remedies: Sequence[Remedy], *, request_id: str, job: Job | None
) -> list[ButtonElement]:
    """One "request fix" button per remedy the bot can carry out, each with its confirm dialog."""
    doable = [r for r in remedies if has_button(r)][:MAX_REMEDY_BUTTONS]
    return [
        button(
            plain(remedy.title, limits.BUTTON_TEXT - len(_BUTTON_SUFFIX)) + _BUTTON_SUFFIX,
            slack_ids.request_fix_action_id(index),
            slack_ids.encode_value(request_id, remedy.id),
            style="primary" if index == 0 and not remedy.changes_iam else None,
            dialog=confirm("Request this fix?", what_will_happen(remedy), "Request fix"),
        )
        for index, remedy in enumerate(doable)
    ]


def what_will_happen(remedy: Remedy) -> str:
    """The confirm dialog's text: exactly what the fix will do, and that nothing happens yet.

    Written per fix in the catalogue (``confirm``) rather than cut from the remedy's description,
    so it reads as one short, complete statement within Slack's 300 characters.
    """
    action = _fix_action(remedy)
    note = "Nothing changes until another person approves it."
    room = limits.CONFIRM_TEXT - len(note) - 1
    return f"{plain(action, room)} {note}"


def _fix_action(remedy: Remedy) -> str:
    if remedy.confirm:
        return remedy.confirm
    role = role_name(remedy.attach_to) or "the role"
    policy = f" {remedy.policy_name}" if remedy.policy_name else ""
    return f"Adds the inline policy{policy} to {role}." if remedy.changes_iam else remedy.title


def _who(remedy: Remedy) -> str:
    if has_button(remedy):
        return (
            "no IAM change, needs approval"
            if not remedy.changes_iam
            else "changes IAM, needs approval"
        )
    return "the bot can't do this one for you"
