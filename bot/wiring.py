"""The one wiring module: what each process builds, once, and nothing at import time.

Three builders, one per kind of process:
- ``build_read_side``: read-only AWS access and the pipeline. No Slack: the CLI uses it.
- ``build_web``: the web process's ``Services`` (the handlers get them as an argument).
- ``build_worker``: the worker's ``WorkerContext`` (rq jobs take ids and read it).
Slack and the fix flow are imported inside the builders that need them, so a terminal that only
decodes never loads the Slack SDK. ``bot/app.py`` then registers the handlers on a Bolt app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
import redis

from bot.aws.authorization_details import AuthorizationDetailsReader
from bot.aws.backup_jobs import JobFinder
from bot.aws.calls import CallHook
from bot.aws.cloudtrail import CloudTrailRecovery
from bot.aws.decode import Decoder
from bot.aws.failed_jobs import FailedJobMatcher
from bot.aws.roles import RoleReader
from bot.aws.sessions import ReadSessions
from bot.config import BotConfig, ConfigError, Settings, load_bot_config
from bot.errors import AccountUnknown
from bot.pipeline import Pipeline
from bot.redis_connect import RedisUnusable, connect
from bot.state import RequestStore

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.after_ack import WorkPool
    from bot.approvals import ApprovalPolicy
    from bot.conversation import Conversation
    from bot.events.notifier import FailureNotifier
    from bot.fix_flow import FixFlow
    from bot.replies import Replies
    from bot.worker.tasks import WorkerContext


@dataclass
class ReadSide:
    """Read-only AWS access: cached read-role sessions, the decoder and the job finder."""

    sessions: ReadSessions
    decoder: Decoder
    jobs: JobFinder
    pipeline: Pipeline


def build_read_side(
    config: BotConfig,
    redis_client: redis.Redis | None,
    prefix: str,
    on_call: CallHook | None = None,
    base_session: boto3.Session | None = None,
) -> ReadSide:
    """Sessions, decoder, job finder and the pipeline over them, built once per process."""
    sessions = ReadSessions(config.accounts, base_session=base_session, on_call=on_call)
    decoder = Decoder(sessions, redis_client, prefix, config.decode_cache_ttl_seconds)
    jobs = JobFinder(sessions, config.accounts, config.job_lookup_budget_seconds)
    failed = FailedJobMatcher(sessions, jobs, config.job_lookup_budget_seconds)
    details = AuthorizationDetailsReader(
        sessions, redis_client, prefix, config.decode_cache_ttl_seconds
    )
    trail = CloudTrailRecovery(sessions, config.job_lookup_budget_seconds)
    pipeline = Pipeline(
        config,
        decoder,
        jobs,
        failed,
        authorization=details,
        cloudtrail=trail,
        roles=RoleReader(sessions),
    )
    return ReadSide(sessions, decoder, jobs, pipeline)


def build_pipeline_from_environment() -> Pipeline:
    """The CLI's pipeline: the bot's own settings, accounts file and AWS credentials.

    The decode cache uses ``REDIS_URL`` when set; without it the CLI still works, uncached.
    """
    settings = Settings()
    try:
        config = load_bot_config(settings.config_file)
    except ConfigError as exc:
        raise AccountUnknown(
            "The bot's configuration cannot be used: " + "; ".join(exc.problems),
            "Fix the accounts file, or use --offline to explain the text alone.",
        ) from exc
    try:
        client = build_redis(settings.redis_url, settings) if settings.redis_url else None
    except RedisUnusable as exc:
        raise AccountUnknown(
            f"The bot's Redis settings cannot be used: {exc}",
            "Fix REDIS_URL and the REDIS_* settings, or unset REDIS_URL to decode uncached.",
        ) from exc
    return build_read_side(config, client, settings.redis_prefix).pipeline


def build_slack_client(settings: Settings) -> WebClient:
    """A Web API client that retries 429 (honouring Retry-After), 5xx and dropped connections."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=10)
    client.retry_handlers.extend(
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    )
    return client


def build_redis(url: str, settings: Settings) -> redis.Redis:
    """A pooled Redis client with short timeouts: a dead Redis must fail fast, not hang a reply.

    Built by ``bot.redis_connect``, like every Redis client of the bot: TLS, ACL users and
    Sentinel come from the URL and the ``REDIS_*`` settings.
    """
    return connect(url, settings, socket_timeout=5)


@dataclass
class Services:
    """What the web process's listeners use, built once per process (``build_web``)."""

    settings: Settings
    config: BotConfig
    redis: redis.Redis
    slack: WebClient
    work: WorkPool
    read: ReadSide
    store: RequestStore
    conversation: Conversation
    fix_flow: FixFlow

    @property
    def prefix(self) -> str:
        """Prefix of every Redis key and queue name."""
        return self.settings.redis_prefix

    def redis_ready(self) -> bool:
        """Whether Redis answers a PING now."""
        try:
            return bool(self.redis.ping())
        except redis.RedisError:
            return False


@dataclass
class _Shared:
    """What the web and the worker both build over Redis, Slack and the read side."""

    redis: redis.Redis
    slack: WebClient
    read: ReadSide
    store: RequestStore
    replies: Replies
    conversation: Conversation
    policy: ApprovalPolicy
    label: Callable[[str | None], str | None]


def _build_shared(settings: Settings, config: BotConfig, redis_url: str) -> _Shared:
    from bot.approvals import ApprovalPolicy
    from bot.conversation import Conversation
    from bot.observability.metrics import record_aws_call
    from bot.replies import Replies
    from bot.slack_directory import SlackUserDirectory

    redis_client = build_redis(redis_url, settings)
    slack = build_slack_client(settings)
    prefix = settings.redis_prefix
    read = build_read_side(config, redis_client, prefix, on_call=record_aws_call)
    store = RequestStore.from_config(redis_client, prefix, config)
    replies = Replies(slack)

    def label(account_id: str | None) -> str | None:
        account = config.account(account_id)
        return account.label if account else account_id

    return _Shared(
        label=label,
        redis=redis_client,
        slack=slack,
        read=read,
        store=store,
        replies=replies,
        conversation=Conversation(read.pipeline, store, replies, label),
        policy=ApprovalPolicy(config.accounts, SlackUserDirectory(slack)),
    )


def build_web(settings: Settings, config: BotConfig, redis_url: str) -> Services:
    """The web process's clients (Redis, Slack, AWS read side) and the services over them."""
    from bot.after_ack import WorkPool
    from bot.fix_flow import FixFlow
    from bot.state import Request
    from bot.worker.queues import fix_queue
    from bot.worker.tasks import enqueue_fix

    shared = _build_shared(settings, config, redis_url)
    queue = fix_queue(shared.redis, settings.redis_prefix)

    def enqueue(request: Request, actor: str) -> None:
        enqueue_fix(shared.store, queue, request, actor)

    fix_flow = FixFlow(
        config,
        shared.store,
        shared.policy,
        shared.read.sessions,
        shared.replies,
        shared.slack,
        enqueue,
        shared.read.jobs,
    )
    return Services(
        settings=settings,
        config=config,
        redis=shared.redis,
        slack=shared.slack,
        work=WorkPool(settings.work_threads),
        read=shared.read,
        store=shared.store,
        conversation=shared.conversation,
        fix_flow=fix_flow,
    )


def build_worker(settings: Settings, config: BotConfig, redis_url: str) -> WorkerContext:
    """What the worker's jobs use: state, approvals, the fix side and Slack, built once."""
    from bot.worker.tasks import WorkerContext

    shared = _build_shared(settings, config, redis_url)
    return WorkerContext(
        config=config,
        store=shared.store,
        policy=shared.policy,
        replies=shared.replies,
        conversation=shared.conversation,
        # rq keeps its own connection: no socket timeout, since it blocks on the queue
        rq_redis=connect(redis_url, settings, for_queue=True),
        prefix=settings.redis_prefix,
        lease_seconds=settings.fix_lease_seconds,
        sessions=shared.read.sessions,
    )


def build_events(settings: Settings, config: BotConfig, redis_url: str) -> FailureNotifier:
    """What the events process uses: the read side, the requests, Slack and the event ledger."""
    from bot.events.ledger import EventLedger
    from bot.events.notifier import FailureNotifier

    shared = _build_shared(settings, config, redis_url)
    return FailureNotifier(
        config,
        shared.read.pipeline,
        shared.store,
        shared.replies,
        EventLedger(
            shared.redis, settings.redis_prefix, lease_seconds=config.events.claim_lease_seconds
        ),
        shared.label,
    )
