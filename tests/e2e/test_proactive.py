"""Proactive: a failed restore's EventBridge event, through moto's SQS, becomes one card in the
account's channel with no one asking; the loop from that card works like the slash command's.

The Procfile's web, worker and events processes run against moto's SQS, the AWS stand-in and the
Slack stand-in. Steps share one module bot and its notify channel, so each looks only at what its
own events posted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from bot import slack_ids
from tests.e2e import world
from tests.e2e.conftest import APPROVER, REQUESTER, Aws, Bot, start_bot, stop_bot
from tests.e2e.processes import BotProcess, eventually, start_events
from tests.e2e.slack import Posted, SlackDriver

pytestmark = pytest.mark.e2e

NOTIFY = "C0E2EBACKUPS"
EVENTS_SETTINGS = """events:
  burst_window_seconds: 600
  claim_lease_seconds: 2
  retry_base_seconds: 1
"""


@dataclass
class Proactive:
    """The module's bot with its events process, the queue, and a driver on the notify channel."""

    bot: Bot
    events: BotProcess
    sqs: Any
    queue_url: str
    slack: SlackDriver

    def send(self, event: dict[str, Any] | str) -> None:
        body = event if isinstance(event, str) else json.dumps(event)
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)

    def cards_of(self, event_id: str) -> list[dict[str, Any]]:
        """The channel messages (not replies) carrying ``event_id`` in their metadata."""
        return [
            m
            for m in self.bot.slack.posted_in(NOTIFY, top_level=True)
            if (m.get("metadata") or {}).get("event_payload", {}).get("event_id") == event_id
        ]

    def card(self, event_id: str, timeout: float = 20.0) -> Posted:
        """The one card of ``event_id``, as the driver can click it."""
        [message] = eventually(lambda: self.cards_of(event_id), timeout, f"the card of {event_id}")
        call = next(
            c
            for c in self.bot.slack.calls_to("chat.postMessage")
            if (c.args.get("metadata") or {}).get("event_payload", {}).get("event_id") == event_id
        )
        return Posted(NOTIFY, message["ts"], call.args.get("text", ""), call.args["blocks"])

    def in_queue(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def restart_events(self) -> None:
        self.events = start_events(self.bot.env, self.bot.log_path("events"), self.bot.logs)


@pytest.fixture(scope="module")
def proactive(
    aws: Aws, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proactive]:
    logs = tmp_path_factory.mktemp("proactive")
    config = logs / "proactive.yaml"
    config.write_text(world.accounts_yaml([APPROVER], notify_channel=NOTIFY) + EVENTS_SETTINGS)
    sqs = boto3.client(
        "sqs",
        endpoint_url=aws.moto.url,
        region_name=world.REGION,
        aws_access_key_id=world.ACCESS_KEY_ID,
        aws_secret_access_key=world.SECRET_ACCESS_KEY,
    )
    name = f"backup-doctor-events-{logs.name[-8:]}"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "2"})["QueueUrl"]
    extra = {"CONFIG_FILE": str(config), "AWS_ENDPOINT_URL_SQS": aws.moto.url}
    bot = start_bot(aws, redis_url, logs, {**extra, "EVENTS_QUEUE_URL": url})
    events = start_events(bot.env, bot.log_path("events"), logs)
    driver = SlackDriver(bot.events_url, bot.slack)
    driver.channel = NOTIFY
    running = Proactive(bot, events, sqs, url, driver)
    yield running
    running.events.stop()
    stop_bot(bot)


@pytest.fixture(autouse=True)
def _logs_on_failure(request: pytest.FixtureRequest, proactive: Proactive) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(proactive.bot.all_logs())


def _fixes(posted: Posted) -> list[str]:
    return [
        b.value.rsplit("|", 1)[-1]
        for b in posted.buttons()
        if b.action_id.startswith(slack_ids.ACTION_REQUEST_FIX)
    ]


def test_a_failed_restore_gets_one_card_with_its_fixes(proactive: Proactive, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    event = world.restore_failed_event(failure.job_id)

    proactive.send(event)

    card = proactive.card(event["id"])
    assert failure.job_id in card.mrkdwn()
    assert failure.instance_role in card.mrkdwn()
    assert _fixes(card)[:1] == ["RESTORE_WITHOUT_IAM_ROLE"]
    assert "GRANT_PASSROLE" in _fixes(card)
    eventually(lambda: proactive.in_queue() == 0, 20, "the message to be deleted")


def test_the_same_event_twice_gives_no_second_card(proactive: Proactive, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    event = world.restore_failed_event(failure.job_id)
    proactive.send(event)
    proactive.card(event["id"])

    proactive.send(event)

    eventually(lambda: proactive.in_queue() == 0, 20, "the duplicate to be deleted")
    assert len(proactive.cards_of(event["id"])) == 1
    assert "duplicate" in proactive.events.log()


def test_twenty_failures_of_one_cause_make_one_card(proactive: Proactive, aws: Aws) -> None:
    first = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    jobs = [first.job_id] + [world.seed_same_failure(aws.standin.admin, first) for _ in range(19)]
    events = [world.restore_failed_event(job) for job in jobs]
    proactive.send(events[0])
    card = proactive.card(events[0]["id"])

    for event in events[1:]:
        proactive.send(event)

    def thread() -> list[dict[str, Any]]:
        replies = proactive.bot.slack.posted_in(NOTIFY, top_level=False)
        here = [r for r in replies if r["thread_ts"] == card.thread_ts and r.get("metadata")]
        return here if len(here) == 19 else []

    eventually(thread, 60, "19 jobs in the card's thread")
    assert all(not proactive.cards_of(e["id"]) for e in events[1:])  # no other channel message
    updates = [
        c for c in proactive.bot.slack.calls_to("chat.update") if c.args["ts"] == card.thread_ts
    ]
    last = json.dumps(updates[-1].args["blocks"])
    assert "20 restore jobs" in last
    assert eventually(lambda: proactive.in_queue() == 0, 20, "every message deleted")


def test_a_crash_after_the_post_before_the_delete_posts_no_second_card(
    proactive: Proactive, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    event = world.restore_failed_event(failure.job_id)
    held = proactive.bot.slack.hold("chat.postMessage", NOTIFY)
    try:
        proactive.send(event)
        eventually(lambda: proactive.cards_of(event["id"]), 20, "the card to reach Slack")
        proactive.events.kill()  # Slack has the card; the process never learnt it did
    finally:
        held.set()
    assert proactive.in_queue() == 1

    proactive.restart_events()

    eventually(lambda: proactive.in_queue() == 0, 30, "the redelivered message to be deleted")
    assert len(proactive.cards_of(event["id"])) == 1
    assert "its card was posted before a restart" in proactive.events.log()


def test_a_malformed_body_leaves_the_process_up_and_the_message_queued(
    proactive: Proactive,
) -> None:
    proactive.send("{this is not an event")

    proactive.events.wait_logged("is not a usable AWS Backup event")

    assert proactive.events.alive()
    assert proactive.in_queue() >= 1  # for the redrive policy's dead-letter queue
    proactive.sqs.purge_queue(QueueUrl=proactive.queue_url)


def test_the_fix_loop_works_from_a_proactive_card(proactive: Proactive, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    event = world.restore_failed_event(failure.job_id)
    proactive.send(event)
    card = proactive.card(event["id"])

    proactive.slack.click(
        REQUESTER, card, card.button(slack_ids.ACTION_REQUEST_FIX, "GRANT_PASSROLE")
    )
    approval = proactive.slack.wait_post("Approval needed")
    assert approval.thread_ts == card.thread_ts  # the card's own thread
    proactive.slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    outcome = proactive.slack.wait_post("Fix succeeded", timeout=40)
    assert outcome.thread_ts == card.thread_ts
    reruns = [
        j
        for j in aws.standin.admin.restore_jobs()
        if j["RecoveryPointArn"] == failure.recovery_point_arn
        and j["RestoreJobId"] != failure.job_id
    ]
    assert [j["Status"] for j in reruns] == ["COMPLETED"]


def test_one_approval_on_a_burst_card_re_runs_every_job(proactive: Proactive, aws: Aws) -> None:
    first = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    jobs = [first.job_id] + [world.seed_same_failure(aws.standin.admin, first) for _ in range(2)]
    events = [world.restore_failed_event(job) for job in jobs]
    proactive.send(events[0])
    card = proactive.card(events[0]["id"])
    for event in events[1:]:
        proactive.send(event)
    eventually(lambda: proactive.in_queue() == 0, 30, "the burst's events handled")

    fix = card.button(slack_ids.ACTION_REQUEST_FIX, "RESTORE_WITHOUT_IAM_ROLE")
    proactive.slack.click(REQUESTER, card, fix)
    approval = _in_thread(proactive, card, "Approval needed")
    assert "re-run the 2 other restore jobs" in approval.mrkdwn()
    proactive.slack.click(APPROVER, approval, approval.button(slack_ids.ACTION_APPROVE))

    outcome = _in_thread(proactive, card, "Fix succeeded", timeout=60)
    assert "2 completed" in outcome.text + outcome.mrkdwn()
    reruns = [
        j
        for j in aws.standin.admin.restore_jobs()
        if j["RecoveryPointArn"] == first.recovery_point_arn and j["RestoreJobId"] not in jobs
    ]
    assert len(reruns) == 3  # one per failed job, each started once
    assert {j["Status"] for j in reruns} == {"COMPLETED"}
    assert all("IamInstanceProfileName" not in j["Metadata"] for j in reruns)


def _in_thread(proactive: Proactive, card: Posted, contains: str, timeout: float = 20) -> Posted:
    def found() -> Posted | None:
        posts = [
            p
            for p in proactive.slack.thread_posts()
            if p.thread_ts == card.thread_ts and contains in p.text + p.mrkdwn()
        ]
        return posts[0] if posts else None

    return eventually(found, timeout, f"{contains!r} in the card's thread")
