"""``UserDirectory`` backed by the Slack Web API, cached briefly so a burst of clicks is cheap.

Slack errors never escape: an unknown user is ``None`` and an unreadable group has no members,
so both count as "not allowed" rather than failing the click.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.approvals import UserInfo

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: seconds users and group memberships are remembered (a removed approver loses rights this fast)
DEFAULT_TTL_SECONDS = 60.0


class SlackUserDirectory:
    """Users via ``users.info`` and group members via ``usergroups.users.list``."""

    def __init__(
        self,
        client: WebClient,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._clock = clock
        self._users: dict[str, tuple[float, UserInfo]] = {}
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def user(self, user_id: str) -> UserInfo | None:
        """The user's approval-relevant flags, or ``None`` when Slack cannot tell."""
        return self._cached(self._users, user_id, self._fetch_user)

    def group_members(self, group_id: str) -> set[str]:
        """Members of a user group (empty when Slack cannot tell)."""
        return set(self._cached(self._groups, group_id, self._fetch_members) or ())

    def _cached(
        self, cache: dict[str, tuple[float, T]], key: str, fetch: Callable[[str], T | None]
    ) -> T | None:
        now = self._clock()
        with self._lock:
            hit = cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = fetch(key)
        if value is not None:  # failures are not remembered: the next click asks again
            with self._lock:
                cache[key] = (now + self._ttl, value)
        return value

    def _fetch_user(self, user_id: str) -> UserInfo | None:
        try:
            found = self._client.users_info(user=user_id).get("user") or {}
        except (SlackClientError, OSError):
            logger.warning("users.info failed for %s", user_id, exc_info=True)
            return None
        return UserInfo(
            id=str(found.get("id", user_id)),
            deleted=bool(found.get("deleted")),
            is_bot=bool(found.get("is_bot")),
            is_restricted=bool(found.get("is_restricted")),
            is_ultra_restricted=bool(found.get("is_ultra_restricted")),
        )

    def _fetch_members(self, group_id: str) -> frozenset[str] | None:
        try:
            users = self._client.usergroups_users_list(usergroup=group_id).get("users") or []
        except (SlackClientError, OSError):
            logger.warning("usergroups.users.list failed for %s", group_id, exc_info=True)
            return None
        return frozenset(str(u) for u in users)
