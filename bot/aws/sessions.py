"""Assumed-role sessions in the spoke accounts: cached read sessions, fresh per-fix sessions.

The bot's own (hub) credentials come from boto3's default chain. Endpoints are never set here:
boto3's ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` variables do that (tests use them).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
from aws_assume_role_lib.aws_assume_role_lib import assume_role
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.calls import CallHook, register_call_hook
from bot.aws.error_mapping import error_code, map_client_error
from bot.config import AccountConfig
from bot.errors import AccountUnknown, BotAccessDenied

if TYPE_CHECKING:
    from mypy_boto3_backup import BackupClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_sts import STSClient

logger = logging.getLogger(__name__)

#: every client the bot builds: bounded retries and timeouts so a slow AWS cannot stall a reply
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=3,
    read_timeout=10,
    user_agent_extra="backup-doctor",
)
#: RoleSessionName of read sessions: CloudTrail shows the bot by name
READ_SESSION_NAME = "backup-doctor-read"
#: RoleSessionName prefix of fix sessions; the request id follows
FIX_SESSION_PREFIX = "backup-doctor-fix-"
_SESSION_NAME_BAD_CHARS = re.compile(r"[^A-Za-z0-9_+=,.@-]")
_MAX_SESSION_NAME = 64


class ReadSessions:
    """One cached, self-refreshing ``read_role`` session per account, and clients built once.

    Sessions are created lazily on first use under a lock per account, so concurrent first
    requests make a single AssumeRole; aws_assume_role_lib refreshes the credentials before they
    expire. Clients are cached per (account, service, region) and shared between threads.
    """

    def __init__(
        self,
        accounts: list[AccountConfig],
        base_session: boto3.Session | None = None,
        on_call: CallHook | None = None,
    ) -> None:
        self._accounts = {account.id: account for account in accounts}
        self._base = base_session or boto3.Session()
        self._on_call = on_call
        self._locks = {account.id: threading.Lock() for account in accounts}
        self._sessions: dict[str, boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], BaseClient] = {}
        if on_call:
            # The base session makes the AssumeRole calls: count them too.
            register_call_hook(self._base, on_call)

    @property
    def accounts(self) -> list[AccountConfig]:
        """The configured accounts, in configuration order."""
        return list(self._accounts.values())

    def account(self, account_id: str) -> AccountConfig:
        """The configured account with this id; ``AccountUnknown`` if there is none."""
        account = self._accounts.get(account_id)
        if account is None:
            raise AccountUnknown(
                f"Account {account_id} is not configured for the bot.",
                "Add it to the accounts file, or name one of the configured accounts.",
            )
        return account

    def session(self, account_id: str) -> boto3.Session:
        """The account's read session, assuming ``read_role_arn`` on first use."""
        session = self._sessions.get(account_id)
        if session is not None:
            return session
        account = self.account(account_id)
        with self._locks[account_id]:
            return self._session_locked(account)

    @overload
    def client(self, account_id: str, service: Literal["sts"], region: str) -> STSClient: ...
    @overload
    def client(self, account_id: str, service: Literal["backup"], region: str) -> BackupClient: ...
    @overload
    def client(self, account_id: str, service: Literal["iam"], region: str) -> IAMClient: ...
    @overload
    def client(self, account_id: str, service: str, region: str) -> BaseClient: ...

    def client(self, account_id: str, service: str, region: str) -> Any:
        """A client of ``service`` in ``region`` on the account's read session, built once."""
        key = (account_id, service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        account = self.account(account_id)
        with self._locks[account_id]:
            client = self._clients.get(key)
            if client is None:
                session = self._session_locked(account)
                client = session.client(service, region_name=region, config=CLIENT_CONFIG)  # type: ignore[call-overload]
                self._clients[key] = client
            return client

    def _session_locked(self, account: AccountConfig) -> boto3.Session:
        session = self._sessions.get(account.id)
        if session is None:
            session = _assume(self._base, account, account.read_role_arn, READ_SESSION_NAME)
            if self._on_call:
                register_call_hook(session, self._on_call)
            self._sessions[account.id] = session
        return session


def fix_session(
    account: AccountConfig,
    request_id: str,
    source_identity: str | None,
    base_session: boto3.Session | None = None,
) -> boto3.Session:
    """A fresh (never cached) session on the account's ``fix_role_arn`` for one approved fix.

    RoleSessionName is ``backup-doctor-fix-<request_id>`` (cut to 64 characters, characters AWS
    does not allow replaced by ``-``) and SourceIdentity is the approver's Slack user id, so
    CloudTrail ties every write to its request and approval. If the role's trust policy does not
    allow ``sts:SetSourceIdentity`` (AccessDenied naming that action), the role is assumed once
    more without SourceIdentity and a warning is logged: the fix still runs, traceable by the
    session name alone.
    """
    if not account.fix_role_arn:
        raise BotAccessDenied(
            f"No fix role is configured for {account.label}, so the bot cannot change it.",
            "Add fix_role_arn to that account in the bot's configuration.",
        )
    base = base_session or boto3.Session()
    role_arn, session_name = account.fix_role_arn, fix_session_name(request_id)
    if source_identity:
        try:
            return _assume(base, account, role_arn, session_name, source_identity)
        except _SourceIdentityRefused:
            logger.warning(
                "Trust policy of %s does not allow sts:SetSourceIdentity; assuming it without "
                "SourceIdentity (request %s)",
                role_arn,
                request_id,
            )
    return _assume(base, account, role_arn, session_name)


def fix_session_name(request_id: str) -> str:
    """``backup-doctor-fix-<request_id>`` made valid as a RoleSessionName."""
    name = FIX_SESSION_PREFIX + _SESSION_NAME_BAD_CHARS.sub("-", request_id)
    return name[:_MAX_SESSION_NAME]


class _SourceIdentityRefused(Exception):
    """The trust policy allows AssumeRole but not SetSourceIdentity."""


def _assume(
    base: boto3.Session,
    account: AccountConfig,
    role_arn: str,
    session_name: str,
    source_identity: str | None = None,
) -> boto3.Session:
    """Assume ``role_arn`` now (not on first call), so failures surface here, mapped."""
    extra: dict[str, Any] = {"SourceIdentity": source_identity} if source_identity else {}
    try:
        session: boto3.Session = assume_role(
            base,
            role_arn,
            RoleSessionName=session_name,
            ExternalId=account.external_id,
            validate=False,
            **extra,
        )
        credentials = session.get_credentials()
        if credentials is not None:
            credentials.get_frozen_credentials()  # makes the AssumeRole call
        return session
    except ClientError as exc:
        if source_identity and _refuses_source_identity(exc):
            raise _SourceIdentityRefused from exc
        raise map_client_error(
            exc, what="assume the role", account=account, role_arn=role_arn
        ) from exc
    except BotoCoreError as exc:
        raise map_client_error(
            exc, what="assume the role", account=account, role_arn=role_arn
        ) from exc


def _refuses_source_identity(exc: ClientError) -> bool:
    message = str(exc.response.get("Error", {}).get("Message", ""))
    return error_code(exc) == "AccessDenied" and "sts:SetSourceIdentity" in message
