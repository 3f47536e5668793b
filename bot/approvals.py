"""Who may approve a fix: an account's approvers, never the requester, never a bot or a guest.

Each catalogue fix has a risk tier (``Fix.tier``); every tier needs one approval today:
- ``RESTORE_RERUN``: re-running a restore with no IAM change;
- ``IAM_CHANGE``: adding or removing a policy; it can only be approved with its exact policy in
  the plan, which the card shows with its diff before anyone can approve.
The check runs when the button is clicked and again in the worker just before it acts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.config import AccountConfig
from bot.errors import NotAllowed
from bot.fixes import fix_for
from bot.state import Request

SELF_APPROVAL = "You asked for this fix, so someone else must approve it."


@dataclass(frozen=True)
class UserInfo:
    """What the approval check needs to know about a Slack user."""

    id: str
    deleted: bool = False
    is_bot: bool = False
    is_restricted: bool = False  # multi-channel guest
    is_ultra_restricted: bool = False  # single-channel guest


class UserDirectory(Protocol):
    """Slack users and user groups; ``user`` is ``None`` when the user cannot be confirmed."""

    def user(self, user_id: str) -> UserInfo | None: ...

    def group_members(self, group_id: str) -> set[str]: ...


class ApprovalPolicy:
    """Decides whether one Slack user may approve (or deny) one request's fix."""

    def __init__(self, accounts: Iterable[AccountConfig], directory: UserDirectory) -> None:
        self._accounts = {account.id: account for account in accounts}
        self._directory = directory

    def check(self, request: Request, approver: str) -> None:
        """Return if ``approver`` may decide on ``request``; raise ``NotAllowed`` saying why not."""
        if approver in (request.requester, request.fix_requested_by):
            raise NotAllowed(SELF_APPROVAL, "Ask one of the account's approvers.")
        account = self._accounts.get(request.account_id)
        if account is None:
            raise NotAllowed(f"Account {request.account_id or '(unknown)'} is not configured.")
        if request.plan is not None:
            _check_plan(request, account)
        _check_person(self._directory.user(approver))
        if not self._is_approver(account, approver):
            raise NotAllowed(
                f"You are not an approver for {account.label}.",
                f"Ask one of: {approver_mentions(account)}.",
            )

    def _is_approver(self, account: AccountConfig, user_id: str) -> bool:
        if user_id in account.approvers:
            return True
        return any(user_id in self._directory.group_members(g) for g in account.approver_groups)


def approver_mentions(account: AccountConfig) -> str:
    """The account's approvers as Slack mentions (people and user groups)."""
    people = [f"<@{user}>" for user in account.approvers]
    groups = [f"<!subteam^{group}>" for group in account.approver_groups]
    return ", ".join(people + groups) or "nobody (no approvers are configured)"


def _check_plan(request: Request, account: AccountConfig) -> None:
    plan = request.plan
    assert plan is not None
    if plan.account_id != account.id:
        raise NotAllowed("The fix targets another account than the request.")
    if fix_for(plan.fix).tier == "IAM_CHANGE" and plan.policy is None:
        raise NotAllowed(
            "This IAM change carries no policy to review, so it cannot be approved.",
            "Ask for the fix again from the diagnosis card.",
        )


def _check_person(user: UserInfo | None) -> None:
    if user is None:
        raise NotAllowed("Slack could not confirm who you are.", "Try again in a minute.")
    if user.deleted:
        raise NotAllowed("Deactivated accounts cannot approve fixes.")
    if user.is_bot or user.id == "USLACKBOT":
        raise NotAllowed("Bots cannot approve fixes.")
    if user.is_restricted or user.is_ultra_restricted:
        raise NotAllowed("Guests cannot approve fixes.", "Ask a full member who is an approver.")
