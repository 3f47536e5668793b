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

from bot.config import BotConfig, Settings
from bot.conversation import Conversation
from bot.fix_flow import FixFlow
from bot.jobs import enqueue_fix
from bot.queues import fix_queue
from bot.runtime import ReadSide, build_core
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


def build_services(settings: Settings, config: BotConfig, redis_url: str) -> Services:
    """Build the process's clients (Redis, Slack, AWS read side) and the services over them."""
    core = build_core(settings, config, redis_url)
    queue = fix_queue(core.redis, settings.redis_prefix)

    def enqueue(request: Request, actor: str) -> None:
        enqueue_fix(core.store, queue, request, actor)

    fix_flow = FixFlow(
        config, core.store, core.policy, core.read.sessions, core.replies, core.slack, enqueue
    )
    return Services(
        settings=settings,
        config=config,
        redis=core.redis,
        slack=core.slack,
        work=WorkPool(settings.work_threads),
        read=core.read,
        store=core.store,
        conversation=core.conversation,
        fix_flow=fix_flow,
    )


def create_app(services: Services, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener registered.

    Listeners ack inline (``process_before_response``) and hand slow work to ``services.work``, so
    acks never wait behind slow work. Socket Mode connections are not signed, so request
    verification is only on for HTTP.
    """
    from handlers import register_all

    settings = services.settings
    secret = settings.slack_signing_secret
    bolt_logger = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _TokenFromClientFilter) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenFromClientFilter())
    app = App(
        client=services.slack,
        signing_secret=secret.get_secret_value() if secret else None,
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        logger=bolt_logger,
    )
    register_all(app, services)
    return app


class _TokenFromClientFilter(logging.Filter):
    """Drop Bolt's "token will be unused" warning, which is wrong for us.

    Bolt reads SLACK_BOT_TOKEN from the environment by itself even when given a client, then warns
    that the token is unused; the client we give it carries that same token.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()
