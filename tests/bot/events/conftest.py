"""The events side wired as the events process wires it, against real parts: Redis, moto's SQS
(server mode), the AWS stand-in for Backup and STS decode, and the Slack Web API stand-in."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import BotConfig, Settings, load_bot_config
from bot.events.consumer import EventConsumer
from bot.events.ledger import EventLedger
from bot.events.notifier import FailureNotifier
from bot.state import RequestStore
from bot.wiring import build_events
from tests.handlers.conftest import (  # noqa: F401  (fixtures)
    ACCOUNT,
    PROD_ACCOUNT,
    RECOVERY_POINT,
    RESTORE_ROLE,
    STATUS,
    aws,
    bot_settings,
    create_restore_roles,
    moto,
    slack,
)
from tests.support import aws_standin_testkit
from tests.support.aws_standin import AwsStandin
from tests.support.moto_server import MotoThread
from tests.support.slack_standin import SlackStandin

NOTIFY = "C0BACKUPS"
QUIET_ACCOUNT = "444455556666"  # configured, no notify_channel
EVENTS_CONFIG = f"""
accounts:
{PROD_ACCOUNT}    notify_channel: {NOTIFY}
  - id: "{QUIET_ACCOUNT}"
    name: quiet
    regions: [us-east-1]
    read_role_arn: arn:aws:iam::{QUIET_ACCOUNT}:role/BackupDoctorRead
    external_id: test-external-id
events:
  burst_window_seconds: 600
  max_attempts: 2
"""


@dataclass
class EventsUnderTest:
    """The notifier and consumer of the events process, its queue and the stand-ins."""

    notifier: FailureNotifier
    consumer: EventConsumer
    sqs: Any
    queue_url: str
    slack: SlackStandin
    aws: AwsStandin
    store: RequestStore
    redis: Any
    prefix: str
    settings: Settings
    config: BotConfig

    def ledger(self, clock: Callable[[], float] = time.time) -> EventLedger:
        """The events process's ledger, on its Redis keys (with another clock if asked)."""
        return EventLedger(self.redis, self.prefix, clock=clock)

    def send(self, event: dict[str, Any]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(event))

    def drain(self, rounds: int = 3) -> list[str]:
        """Receive and handle what is visible, ``rounds`` times; the outcomes."""
        outcomes: list[str] = []
        for _ in range(rounds):
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["ApproximateReceiveCount"],
            ).get("Messages", [])
            outcomes += [self.consumer.handle(m) for m in messages]
        return outcomes

    def left(self) -> int:
        """Messages still in the queue, visible or not."""
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())


@pytest.fixture
def events(
    aws: AwsStandin,  # noqa: F811
    slack: SlackStandin,  # noqa: F811
    moto: MotoThread,  # noqa: F811
    redis_url: str,
    redis_prefix: str,
    redis_client: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> EventsUnderTest:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto.url)
    config_file = tmp_path / "backup-doctor.yaml"
    config_file.write_text(EVENTS_CONFIG)
    settings = bot_settings(slack, redis_url, redis_prefix, config_file)
    sqs = aws_standin_testkit.client("sqs")
    url = sqs.create_queue(QueueName=f"events-{redis_prefix}")["QueueUrl"]
    config = load_bot_config(config_file)
    notifier = build_events(settings, config, redis_url)
    # a retried message is visible again at once (the backoff itself: test_consumer.py)
    consumer = EventConsumer(sqs, url, notifier, wait_seconds=0, delay=lambda _count: 0)
    store = RequestStore.from_config(redis_client, redis_prefix, config)
    return EventsUnderTest(
        notifier,
        consumer,
        sqs,
        url,
        slack,
        aws,
        store,
        redis_client,
        redis_prefix,
        settings,
        config,
    )


def failure(job_id: str, event_id: str, *, account: str = ACCOUNT, **detail: Any) -> dict[str, Any]:
    """A failed restore's event, as EventBridge delivers it to SQS."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "Restore Job State Change",
        "source": "aws.backup",
        "account": account,
        "time": "2026-12-04T08:14:29Z",
        "region": "us-east-1",
        "resources": ["arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"],
        "detail": {"restoreJobId": job_id, "status": "FAILED", "resourceType": "EC2", **detail},
    }


def seed_failed_restore(events: EventsUnderTest, status_message: str = STATUS) -> str:
    """A failed EC2 restore of the classic cause, in the AWS stand-in; its job id."""
    return events.aws.seed_restore_job(
        RECOVERY_POINT,
        status="FAILED",
        status_message=status_message,
        account=ACCOUNT,
        region="us-east-1",
        iam_role_arn=RESTORE_ROLE,
        metadata={"IamInstanceProfileName": "AmazonSSMRoleForInstancesQuickSetup"},
    )


@pytest.fixture
def roles(events: EventsUnderTest) -> None:
    """The classic failure's roles in moto's IAM."""
    create_restore_roles()
