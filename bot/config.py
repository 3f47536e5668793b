"""All configuration, read once: environment variables (Settings) and the accounts YAML (BotConfig).

Problems are collected and reported together (``ConfigError.problems``) so an operator fixes
everything in one pass. AWS endpoints are never configured here: boto3's own ``AWS_ENDPOINT_URL``
and ``AWS_ENDPOINT_URL_<SERVICE>`` variables do that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.arns import is_account_id, is_region, is_role_arn


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class AccountConfig(BaseModel):
    """One AWS account the bot may look into (and, through its fix role, change)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    regions: list[str] = Field(min_length=1)
    read_role_arn: str
    fix_role_arn: str | None = None
    external_id: str = Field(min_length=2)
    approvers: list[str] = Field(default_factory=list)
    approver_groups: list[str] = Field(default_factory=list)
    #: where the bot posts, unasked, the diagnosis of a job that failed in this account
    notify_channel: str | None = Field(default=None, pattern=r"^[CG][A-Z0-9]{2,}$")

    @field_validator("id", mode="before")
    @classmethod
    def _account_id(cls, value: object) -> str:
        # an unquoted id is a YAML number and has lost any leading zero: insist on quotes
        if not isinstance(value, str) or not is_account_id(value):
            raise ValueError('must be 12 digits, quoted in YAML ("111122223333")')
        return value

    @field_validator("read_role_arn", "fix_role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None and not is_role_arn(value):
            raise ValueError("must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if not is_region(r)]
        if bad:
            raise ValueError(f"not region names: {', '.join(bad)}")
        return value

    @property
    def label(self) -> str:
        """``prod (111122223333)``: how people recognise an account."""
        return f"{self.name} ({self.id})"


class ChannelConfig(BaseModel):
    """Per-channel behaviour."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_account: str | None = None
    reply: Literal["thread", "ephemeral"] = "thread"


class EventsConfig(BaseModel):
    """The proactive side: AWS Backup failures from EventBridge, through one SQS queue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the queue the member accounts' EventBridge rules send to (``EVENTS_QUEUE_URL`` wins)
    queue_url: str | None = None
    #: seconds after a failure during which more failures of the same cause join its card
    burst_window_seconds: float = Field(default=600.0, gt=0)
    #: receives of one event whose job cannot be read yet before the card says so instead
    max_attempts: int = Field(default=4, ge=1)
    #: seconds a process may take to post an event's card before another may take it over
    claim_lease_seconds: float = Field(default=120.0, gt=0)
    #: seconds before a message that could not be handled comes again; doubles each time
    retry_base_seconds: int = Field(default=15, ge=0)


class BotConfig(BaseModel):
    """The YAML file: accounts, channels and behaviour knobs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    accounts: list[AccountConfig] = Field(default_factory=list)
    channels: dict[str, ChannelConfig] = Field(default_factory=dict)
    events: EventsConfig = Field(default_factory=EventsConfig)
    #: hours a fix request may wait for approval before it expires
    approval_timeout_hours: float = 24.0
    #: days a request (diagnosis and what follows) is kept in Redis
    request_ttl_days: float = 7.0
    #: seconds a job-id search across every account and region may take
    job_lookup_budget_seconds: float = 8.0
    #: seconds a decoded message stays cached (the decoded result of a blob never changes)
    decode_cache_ttl_seconds: int = 24 * 3600

    def account(self, account_id: str | None) -> AccountConfig | None:
        """The configured account with this id, if any."""
        return next((a for a in self.accounts if a.id == account_id), None)

    def channel(self, channel_id: str | None) -> ChannelConfig:
        """The channel's settings, or the defaults."""
        return self.channels.get(channel_id or "", ChannelConfig())

    def accounts_in_order(self, channel_id: str | None = None) -> list[AccountConfig]:
        """Every account, the channel's default account first."""
        default = self.channel(channel_id).default_account
        return sorted(self.accounts, key=lambda a: a.id != default)


class Settings(BaseSettings):
    """Process settings from the environment (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    #: set it to run in Socket Mode (no public URL needed)
    slack_app_token: SecretStr | None = None
    #: tests point this at a local Slack Web API stand-in
    slack_api_url: str = "https://slack.com/api/"
    #: unset: an embedded Redis-compatible server starts under ``data_dir``. Also ``rediss://``
    #: (TLS) and ``redis+sentinel://h1:26379,h2:26379/<master>/<db>`` (bot/redis_connect.py)
    redis_url: str | None = None
    #: CA bundle (PEM) that signed the Redis server's certificate, for a private CA; unset, the
    #: system's trust store (enough for ElastiCache). Certificates are verified either way.
    redis_ca_file: Path | None = None
    #: client certificate and key (PEM), both or neither, for a Redis that asks for one
    redis_client_cert_file: Path | None = None
    redis_client_key_file: Path | None = None
    #: the ACL user and its password when REDIS_URL does not carry them (the URL's win)
    redis_username: str | None = None
    redis_password: SecretStr | None = None
    #: the sentinels' own password (their ``requirepass``); the URL's password is the master's
    redis_sentinel_password: SecretStr | None = None
    port: int = 3000
    config_file: Path = Path("backup-doctor.yaml")
    data_dir: Path = Path(".data")
    log_level: str = "INFO"
    #: gunicorn processes (HTTP mode): one per core the web may use; acks and the work after
    #: them share a process's GIL, so one process saturates one core (docs/benchmarks.md)
    web_concurrency: int = 2
    #: request threads per gunicorn process: acks are tiny, these only parse and hand over
    web_threads: int = 16
    #: threads per web process that do the slow work (AWS, Slack posts) after the ack, apart
    #: from request threads. Card building is CPU work under the process's GIL: 8 runnable
    #: threads crowded the acks out (p99 68-75 ms at 10 clients), 4 keep them at 36-43 ms while
    #: still overlapping AWS round trips (docs/benchmarks.md)
    work_threads: int = 4
    #: runs an rq worker inside the bot process (local use); production runs the Procfile's worker
    inline_worker: bool = False
    #: prefix of every Redis key and rq queue name, so runs and tenants can share a server
    redis_prefix: str = "bd"
    #: seconds between worker sweeps (expire unapproved requests, requeue orphaned fixes)
    sweep_seconds: float = 30.0
    #: seconds a running fix's lease lasts unless renewed; after a worker dies, its fix is
    #: requeued within about lease + sweep seconds
    fix_lease_seconds: int = 30
    #: seconds a running fix may go on after the worker gets SIGTERM; then it is interrupted and
    #: handed back to the queue. Keep the pod's termination grace period well above it.
    worker_shutdown_seconds: int = Field(default=20, ge=1)
    #: the SQS queue of AWS Backup failure events (else ``events.queue_url`` in the accounts file)
    events_queue_url: str | None = None
    #: port of the events process's metrics endpoint (``GET /metrics``)
    events_metrics_port: int = 9101

    @field_validator(
        "redis_ca_file",
        "redis_client_cert_file",
        "redis_client_key_file",
        "redis_username",
        "redis_password",
        "redis_sentinel_password",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # a Secret or manifest often sets a variable to "" to mean "not used"
        return None if value == "" else value

    def missing_slack_credentials(self) -> list[str]:
        """Names of the variables still needed for the mode the settings select."""
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.slack_app_token and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
        return missing


def load_bot_config(path: Path) -> BotConfig:
    """Read and validate the YAML file, raising ``ConfigError`` with every problem found."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(
            [f"{path}: file not found (copy deploy/backup-doctor.example.yaml and edit it)"]
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read it ({exc.__class__.__name__}: {exc})"]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: not valid YAML ({exc})"]) from exc
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: expected a mapping with an 'accounts' list"])
    try:
        config = BotConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_describe(path, raw, err) for err in exc.errors()]) from exc
    problems = _cross_check(config)
    if problems:
        raise ConfigError([f"{path}: {p}" for p in problems])
    return config


def _describe(path: Path, raw: dict[str, object], err: object) -> str:
    detail = dict(err)  # type: ignore[call-overload]
    loc = list(detail.get("loc", ()))
    where = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] == "accounts" and isinstance(loc[1], int):
        accounts = raw.get("accounts")
        if isinstance(accounts, list) and loc[1] < len(accounts):
            entry = accounts[loc[1]]
            name = entry.get("name") if isinstance(entry, dict) else None
            where = f"account {name or loc[1]!s}: {'.'.join(str(p) for p in loc[2:])}"
    message = str(detail.get("msg", "invalid"))
    if detail.get("type") == "missing":
        message = "is required"
    return f"{path}: {where} {message}"


def _cross_check(config: BotConfig) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for account in config.accounts:
        if account.id in seen:
            problems.append(f"account {account.id} is listed twice")
        seen.add(account.id)
        for arn in (account.read_role_arn, account.fix_role_arn):
            if arn and arn.split(":")[4] != account.id:
                problems.append(f"account {account.name}: {arn} is not in account {account.id}")
    for channel, settings in config.channels.items():
        if settings.default_account and settings.default_account not in seen:
            problems.append(
                f"channel {channel}: default_account {settings.default_account} is not configured"
            )
    return problems
