"""The Procfile's ``events``: ``python -m bot events`` long-polls the AWS Backup events queue.

The queue is ``EVENTS_QUEUE_URL`` (else ``events.queue_url`` in the accounts file), read with the
hub's own credentials (the default chain) in the queue's Region: the URL's host names it, except
behind ``AWS_ENDPOINT_URL`` (a local endpoint), where the default Region is used. No queue: the
process says so and exits 0. SIGTERM or SIGINT stops it after the message in hand.
"""

from __future__ import annotations

import logging
import re
import signal
from types import FrameType
from urllib.parse import urlparse

import boto3
from botocore.config import Config

from bot.config import BotConfig, Settings
from bot.events.consumer import EventConsumer, retry_delay
from bot.observability.metrics import start_events_metrics_server

logger = logging.getLogger(__name__)

NO_QUEUE = (
    "No events queue is configured, so failed AWS Backup jobs are not reported proactively. "
    "Set EVENTS_QUEUE_URL (or events.queue_url in the accounts file) to turn it on; "
    "deploy/README.md explains the queue and the EventBridge rules."
)
_REGION_IN_HOST = re.compile(r"(?:^|\.)([a-z]{2}(?:-[a-z]+)+-\d+)\.")
#: when neither the URL nor the environment names a Region
FALLBACK_REGION = "us-east-1"


def queue_url(settings: Settings, config: BotConfig) -> str | None:
    """The events queue's URL: the environment's, else the accounts file's."""
    return settings.events_queue_url or config.events.queue_url or None


def queue_region(url: str, default: str | None) -> str:
    """The Region in the queue URL's host (``sqs.<region>.amazonaws.com``), else ``default``."""
    host = urlparse(url).hostname or ""
    found = _REGION_IN_HOST.search(host)
    return found.group(1) if found else (default or FALLBACK_REGION)


def run_events(settings: Settings, config: BotConfig, redis_url: str) -> int:
    """Serve the events queue until SIGTERM/SIGINT; 0 also when no queue is configured."""
    from bot.wiring import build_events

    url = queue_url(settings, config)
    if url is None:
        logger.info(NO_QUEUE)
        print(NO_QUEUE)
        return 0
    session = boto3.Session()
    region = queue_region(url, session.region_name)
    sqs = session.client(
        "sqs", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 4})
    )
    notifier = build_events(settings, config, redis_url)
    base = config.events.retry_base_seconds
    consumer = EventConsumer(sqs, url, notifier, delay=lambda count: retry_delay(count, base))

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stopping: %s (after the message in hand)", signal.Signals(signum).name)
        consumer.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    start_events_metrics_server(settings.events_metrics_port)
    logger.info("events: reading %s in %s", url, region)
    consumer.run()
    logger.info("events: stopped")
    return 0
