"""Decode encoded authorization messages with STS, trying account after account, cached in Redis."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from redis import Redis, RedisError

from bot.aws.error_mapping import (
    INVALID_MESSAGE_CODE,
    error_code,
    invalid_message,
    map_client_error,
)
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import AccountUnknown, BackupDoctorError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DecodeResult:
    """A decoded message (AWS's JSON, parsed) and the account whose STS decoded it."""

    account_id: str
    decoded: dict[str, Any]


class Decoder:
    """``sts:DecodeAuthorizationMessage`` across the configured accounts, cached by blob hash.

    The decoded result of a blob never changes, so a cache hit makes no AWS call at all. Redis is
    an optimisation only: when it is down the message is still decoded (and a warning logged).
    """

    def __init__(
        self, sessions: ReadSessions, redis: Redis | None, prefix: str, ttl_seconds: int
    ) -> None:
        """``redis`` None: no cache at all (the CLI without ``REDIS_URL``)."""
        self._sessions = sessions
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    def decode(self, blob: str, account_ids: list[str]) -> DecodeResult:
        """Decode ``blob`` in the first of ``account_ids`` whose STS accepts it.

        Callers pass the denial's account first, then the channel's default, then the rest. An
        account whose STS rejects the message as invalid may not be the one that issued it,
        so the next is tried. Raises ``MessageInvalid`` naming every account tried when none
        could decode it, the mapped AWS error when no account could even be asked, and
        ``AccountUnknown`` when none of ``account_ids`` is configured.
        """
        blob = "".join(blob.split())
        if self._redis is None:
            return self._decode_in_order(blob, self._configured(account_ids))
        key = f"{self._prefix}:decode:{hashlib.sha256(blob.encode()).hexdigest()}"
        try:
            cached = self._redis.get(key)
        except RedisError as exc:
            logger.warning("Decode cache unavailable, decoding without it: %s", exc)
            return self._decode_in_order(blob, self._configured(account_ids))
        if cached is not None:
            data = json.loads(cached)
            return DecodeResult(data["account_id"], data["decoded"])
        result = self._decode_in_order(blob, self._configured(account_ids))
        self._cache_set(self._redis, key, result)
        return result

    def _configured(self, account_ids: list[str]) -> list[AccountConfig]:
        known = {account.id: account for account in self._sessions.accounts}
        ordered = [known[i] for i in dict.fromkeys(account_ids) if i in known]
        if not ordered:
            raise AccountUnknown(
                f"None of the accounts {', '.join(account_ids) or '(none)'} is configured.",
                "Name a configured account with account=<id>, or add the account to the config.",
            )
        return ordered

    def _decode_in_order(self, blob: str, accounts: list[AccountConfig]) -> DecodeResult:
        rejected: list[tuple[AccountConfig, str]] = []
        failed: list[tuple[AccountConfig, BackupDoctorError]] = []
        for account in accounts:
            try:
                return DecodeResult(account.id, self._decode_in(account, blob))
            except ClientError as exc:
                if error_code(exc) != INVALID_MESSAGE_CODE:
                    failed.append((account, _mapped(exc, account)))
                    continue
                rejected.append((account, str(exc.response.get("Error", {}).get("Message", ""))))
            except BotoCoreError as exc:
                failed.append((account, _mapped(exc, account)))
            except BackupDoctorError as error:  # e.g. the read role could not be assumed
                failed.append((account, error))
        if not rejected:
            raise failed[0][1]
        raise _all_rejected(rejected, failed)

    def _decode_in(self, account: AccountConfig, blob: str) -> dict[str, Any]:
        # Any regional STS endpoint of the account decodes; use the account's first region.
        sts = self._sessions.client(account.id, "sts", account.regions[0])
        response = sts.decode_authorization_message(EncodedMessage=blob)
        try:
            decoded = json.loads(response["DecodedMessage"])
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise BackupDoctorError("STS returned a decoded message that is not a JSON object.")
        return decoded

    def _cache_set(self, client: Redis, key: str, result: DecodeResult) -> None:
        value = json.dumps({"account_id": result.account_id, "decoded": result.decoded})
        try:
            client.set(key, value, ex=self._ttl)
        except RedisError as exc:
            logger.warning("Decode cache unavailable, result not cached: %s", exc)


def _mapped(exc: ClientError | BotoCoreError, account: AccountConfig) -> BackupDoctorError:
    return map_client_error(exc, what="decode the message", account=account)


def _all_rejected(
    rejected: list[tuple[AccountConfig, str]],
    failed: list[tuple[AccountConfig, BackupDoctorError]],
) -> BackupDoctorError:
    also = "; ".join(f"could not try {a.label}: {e.user_message}" for a, e in failed)
    return invalid_message(" ".join(m for _, m in rejected), [a.label for a, _ in rejected], also)
