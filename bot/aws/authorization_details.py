"""IAM Access Troubleshooter: the evaluation behind an error's authorization ID, cached in Redis.

``iam-toolbox`` ``GetRequestAuthorizationDetails`` answers only in the Region where the denial
happened and only to the denied account (or its organization), so it is asked with the read role
of that account, in the console link's Region first, then the account's own Regions. Every page
of evaluations is read. The details never change, so a found one is cached by ID (a repeat makes
no AWS call); "not found" is never cached, because details can appear a little after the error.

Nothing here raises for AWS's answers: the lookup says what happened (found, not found, no
permission, failed), and the diagnosis falls back to the text's own sentence.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError
from redis import Redis, RedisError

from bot.aws.error_mapping import ACCESS_DENIED_CODES, error_code, is_not_found, map_client_error
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import BackupDoctorError, BotAccessDenied
from bot.models import AuthorizationLookup

logger = logging.getLogger(__name__)

SERVICE: Final = "iam-toolbox"
#: evaluation pages read at most (AWS lists one evaluation per action and resource checked)
MAX_PAGES: Final = 20


class AuthorizationDetailsReader:
    """Reads (and caches) the authorization details of denials, by authorization ID."""

    def __init__(
        self, sessions: ReadSessions, redis: Redis | None, prefix: str, ttl_seconds: int
    ) -> None:
        """``redis`` None: no cache (the CLI without ``REDIS_URL``)."""
        self._sessions = sessions
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds

    def read(
        self, authorization_id: str, account: AccountConfig, region: str | None = None
    ) -> AuthorizationLookup:
        """What AWS says about ``authorization_id`` in ``account`` (``region`` tried first)."""
        key = f"{self._prefix}:authorization:{account.id}:{authorization_id}"
        cached = self._cached(key)
        if cached is not None:
            return cached
        lookup = self._ask(authorization_id, account, region)
        if lookup.status == "found":
            self._store(key, lookup)
        return lookup

    def _ask(
        self, authorization_id: str, account: AccountConfig, first: str | None
    ) -> AuthorizationLookup:
        regions = list(dict.fromkeys([r for r in (first, *account.regions) if r]))
        missing: AuthorizationLookup | None = None
        for region in regions:
            try:
                details = self._details_in(authorization_id, account, region)
            except ClientError as exc:
                if is_not_found(exc):
                    missing = missing or _lookup(authorization_id, account, region, "not_found")
                    continue
                return _failure(authorization_id, account, region, exc)
            except (BotoCoreError, BackupDoctorError) as exc:
                return _failure(authorization_id, account, region, exc)
            return _lookup(authorization_id, account, region, "found", details=details)
        return missing or _lookup(authorization_id, account, None, "not_found")

    def _details_in(
        self, authorization_id: str, account: AccountConfig, region: str
    ) -> dict[str, Any]:
        client = self._sessions.client(account.id, SERVICE, region)
        pages = client.get_paginator("get_request_authorization_details").paginate(
            authorizationId=authorization_id, PaginationConfig={"MaxItems": None}
        )
        merged: dict[str, Any] = {"evaluations": [], "policies": [], "requestContext": {}}
        seen: set[str] = set()
        for number, page in enumerate(pages, start=1):
            merged["requestContext"] = merged["requestContext"] or page.get("requestContext", {})
            merged["evaluations"].extend(page.get("evaluations", []))
            for policy in page.get("policies", []):
                uri = str(policy.get("uri"))
                if uri not in seen:
                    seen.add(uri)
                    merged["policies"].append(policy)
            if number >= MAX_PAGES:
                logger.info("authorization %s: stopped after %d pages", authorization_id, number)
                break
        return merged

    def _cached(self, key: str) -> AuthorizationLookup | None:
        if self._redis is None:
            return None
        try:
            raw = self._redis.get(key)
        except RedisError as exc:
            logger.warning("Authorization cache unavailable, asking AWS: %s", exc)
            return None
        return AuthorizationLookup.model_validate_json(raw) if raw is not None else None

    def _store(self, key: str, lookup: AuthorizationLookup) -> None:
        if self._redis is None:
            return
        try:
            self._redis.set(key, lookup.model_dump_json(), ex=self._ttl)
        except RedisError as exc:
            logger.warning("Authorization cache unavailable, details not cached: %s", exc)


def _lookup(
    authorization_id: str,
    account: AccountConfig,
    region: str | None,
    status: Any,
    details: dict[str, Any] | None = None,
    problem: str | None = None,
) -> AuthorizationLookup:
    return AuthorizationLookup(
        authorization_id=authorization_id,
        status=status,
        account_id=account.id,
        region=region,
        details=json.loads(json.dumps(details, default=str)) if details is not None else None,
        problem=problem,
    )


def _failure(
    authorization_id: str,
    account: AccountConfig,
    region: str,
    exc: ClientError | BotoCoreError | BackupDoctorError,
) -> AuthorizationLookup:
    if isinstance(exc, BackupDoctorError):
        error = exc
    else:
        error = map_client_error(exc, what="read the authorization details", account=account)
    denied = isinstance(exc, ClientError) and error_code(exc) in ACCESS_DENIED_CODES
    status = "no_permission" if denied or isinstance(error, BotAccessDenied) else "failed"
    logger.info("authorization %s in %s %s: %s", authorization_id, account.id, region, status)
    return _lookup(authorization_id, account, region, status, problem=error.user_message)
