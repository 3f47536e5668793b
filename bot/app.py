"""The composition root: builds every client once and wires the Bolt app's listeners.

Nothing here runs at import time; ``python -m bot`` (web, socket, worker) and the tests call
``build_services`` and ``create_app``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.approvals import ApprovalPolicy
from bot.config import BotConfig, Settings
from bot.conversation import Conversation
from bot.fix_flow import FixFlow
from bot.jobs import enqueue_fix, queue_name
from bot.observability.metrics import record_aws_call
from bot.replies import Replies
from bot.runtime import ReadSide, build_read_side
from bot.slack_directory import SlackUserDirectory
from bot.state import Request, RequestStore
from bot.work import WorkPool

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything listeners and jobs use, built once per process."""

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


def build_slack_client(settings: Settings) -> WebClient:
    """A Web API client that retries 429 (honouring Retry-After), 5xx and dropped connections."""
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


def build_redis(url: str) -> redis.Redis:
    """A pooled Redis client with short timeouts: a dead Redis must fail fast, not hang a reply."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        health_check_interval=30,
        retry_on_timeout=True,
    )


def build_services(settings: Settings, config: BotConfig, redis_url: str) -> Services:
    """Build the process's clients (Redis, Slack, AWS read side) and the services over them."""
    from rq import Queue

    redis_client = build_redis(redis_url)
    slack = build_slack_client(settings)
    prefix = settings.redis_prefix
    read = build_read_side(config, redis_client, prefix, on_call=record_aws_call)
    store = RequestStore.from_config(redis_client, prefix, config)
    replies = Replies(slack)
    conversation = Conversation(read.pipeline, store, replies, lambda a: _label(config, a))
    queue = Queue(queue_name(prefix), connection=redis_client)

    def enqueue(request: Request) -> None:
        enqueue_fix(store, queue, request, "web")

    policy = ApprovalPolicy(config.accounts, SlackUserDirectory(slack))
    fix_flow = FixFlow(config, store, policy, read.sessions, replies, slack, enqueue)
    return Services(
        settings=settings,
        config=config,
        redis=redis_client,
        slack=slack,
        work=WorkPool(settings.work_threads),
        read=read,
        store=store,
        conversation=conversation,
        fix_flow=fix_flow,
    )


def _label(config: BotConfig, account_id: str | None) -> str | None:
    account = config.account(account_id)
    return account.label if account else account_id


def create_app(services: Services, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener registered.

    Listeners ack inline (``process_before_response``) and hand slow work to ``services.work``, so
    acks never wait behind slow work. Socket Mode connections are not signed, so request
    verification is only on for HTTP.
    """
    from handlers import register_all

    settings = services.settings
    secret = settings.slack_signing_secret
    app = App(
        client=services.slack,
        signing_secret=secret.get_secret_value() if secret else None,
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        logger=logging.getLogger("slack_bolt"),
    )
    register_all(app, services)
    return app
