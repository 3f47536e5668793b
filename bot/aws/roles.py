"""The exact ARN of a denied session's role, read from IAM with the account's read role.

A session ARN (``arn:aws:sts::A:assumed-role/Role/session``) drops the role's path, so the role
rebuilt from it may be wrong (``AWSBackupDefaultServiceRole`` lives under ``service-role/``). A
fix that writes to the role needs its exact ARN: with no job to tell it, ``iam:GetRole`` does.
Failure is an answer, never an error: the card then asks a person to check the role.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Final

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.error_mapping import error_code
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import BackupDoctorError

logger = logging.getLogger(__name__)

#: seconds an exact role ARN is remembered (a role's path never changes; a deleted one may return)
TTL_SECONDS: Final = 600.0


class RoleReader:
    """``iam:GetRole`` on the read session, remembered per account and role name for a while."""

    def __init__(
        self,
        sessions: ReadSessions,
        ttl_seconds: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl = ttl_seconds
        self._clock = clock
        self._found: dict[tuple[str, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    def exact_arn(self, account: AccountConfig, role_name: str) -> str | None:
        """The role's ARN with its path, or None when IAM has no such role or cannot be asked."""
        key = (account.id, role_name)
        with self._lock:
            cached = self._found.get(key)
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        try:
            iam = self._sessions.client(account.id, "iam", account.regions[0])
            arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
        except (ClientError, BotoCoreError, BackupDoctorError) as exc:
            code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
            logger.info("could not read the role %s in %s: %s", role_name, account.id, code)
            return None
        with self._lock:
            self._found[key] = (self._clock(), arn)
        return arn
