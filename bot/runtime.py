"""Builders shared by the web app, the worker and the CLI: the read side of AWS and the pipeline.

Kept apart from ``bot/app.py`` so the worker and the CLI do not import Slack's Bolt app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
import redis

from bot.aws.calls import CallHook
from bot.aws.decode import Decoder
from bot.aws.jobs import JobFinder
from bot.aws.sessions import ReadSessions
from bot.config import BotConfig, ConfigError, Settings, load_bot_config
from bot.errors import AccountUnknown
from bot.pipeline import Pipeline

if TYPE_CHECKING:
    from bot.jobs import WorkerContext


@dataclass
class ReadSide:
    """Read-only AWS access: cached read-role sessions, the decoder and the job finder."""

    sessions: ReadSessions
    decoder: Decoder
    jobs: JobFinder
    pipeline: Pipeline


def build_read_side(
    config: BotConfig,
    redis_client: redis.Redis,
    prefix: str,
    on_call: CallHook | None = None,
    base_session: boto3.Session | None = None,
) -> ReadSide:
    """Sessions, decoder, job finder and the pipeline over them, built once per process."""
    sessions = ReadSessions(config.accounts, base_session=base_session, on_call=on_call)
    decoder = Decoder(sessions, redis_client, prefix, config.decode_cache_ttl_seconds)
    jobs = JobFinder(sessions, config.accounts, config.job_lookup_budget_seconds)
    return ReadSide(sessions, decoder, jobs, Pipeline(config, decoder, jobs))


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
    url = settings.redis_url or "redis://127.0.0.1:1/0"  # nothing listens: cache misses only
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)
    return build_read_side(config, client, settings.redis_prefix).pipeline


def build_worker_context(settings: Settings, config: BotConfig, redis_url: str) -> WorkerContext:
    """What the worker's jobs use: state, approvals, the fix side and Slack, built once."""
    from bot.app import build_redis, build_slack_client
    from bot.approvals import ApprovalPolicy
    from bot.conversation import Conversation
    from bot.jobs import WorkerContext
    from bot.observability.metrics import record_aws_call
    from bot.replies import Replies
    from bot.slack_directory import SlackUserDirectory
    from bot.state import RequestStore

    redis_client = build_redis(redis_url)
    slack = build_slack_client(settings)
    prefix = settings.redis_prefix
    read = build_read_side(config, redis_client, prefix, on_call=record_aws_call)
    store = RequestStore.from_config(redis_client, prefix, config)
    replies = Replies(slack)

    def label(account_id: str | None) -> str | None:
        account = config.account(account_id)
        return account.label if account else account_id

    return WorkerContext(
        config=config,
        store=store,
        policy=ApprovalPolicy(config.accounts, SlackUserDirectory(slack)),
        replies=replies,
        conversation=Conversation(read.pipeline, store, replies, label),
        # rq keeps its own connection: no socket timeout, since it blocks on the queue
        rq_redis=redis.Redis.from_url(redis_url, socket_connect_timeout=2),
        prefix=prefix,
    )
