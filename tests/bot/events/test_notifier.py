"""A failed job's event becomes one card in the account's channel: exactly once, bursts grouped,
nothing lost when Slack, AWS or the process fail. Real Redis, moto's SQS, the stand-ins."""

from __future__ import annotations

import json
import socket

import pytest

from bot import slack_ids
from bot.errors import StateUnavailable
from bot.events.consumer import EventConsumer
from bot.wiring import build_events
from tests.bot.events.conftest import (
    NOTIFY,
    QUIET_ACCOUNT,
    EventsUnderTest,
    failure,
    seed_failed_restore,
)

pytestmark = pytest.mark.usefixtures("roles")


def _fix_buttons(message: dict[str, object]) -> list[str]:
    blocks = json.dumps(message.get("blocks") or [])
    return [fix for fix in ("RESTORE_WITHOUT_IAM_ROLE", "GRANT_PASSROLE") if f"|{fix}" in blocks]


def _card(events: EventsUnderTest) -> dict[str, object]:
    [posted] = [c for c in events.slack.calls_to("chat.postMessage") if "thread_ts" not in c.args]
    return posted.args


def test_a_failed_restore_gets_one_card_with_its_fixes_in_the_channel(
    events: EventsUnderTest,
) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))

    assert events.drain() == ["posted"]

    card = _card(events)
    assert card["channel"] == NOTIFY
    assert job in json.dumps(card["blocks"])
    assert _fix_buttons(card) == ["RESTORE_WITHOUT_IAM_ROLE", "GRANT_PASSROLE"]
    assert events.left() == 0  # deleted once the card was out
    [top] = events.slack.posted_in(NOTIFY, top_level=True)
    assert top["metadata"]["event_payload"]["event_id"] == "ev-1"


def test_the_card_is_a_request_whose_thread_is_the_card(events: EventsUnderTest) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    events.drain()

    [top] = events.slack.posted_in(NOTIFY, top_level=True)
    blocks = json.dumps(_card(events)["blocks"])
    request = events.store.get(_request_id(blocks))
    assert (request.channel_id, request.thread_ts) == (NOTIFY, top["ts"])
    assert request.requester == ""  # nobody asked: anyone allowed may request the fix
    assert request.diagnosis.job is not None
    assert request.diagnosis.job.job_id == job


def _request_id(blocks: str) -> str:
    for block in json.loads(blocks):
        for element in block.get("elements") or []:
            if element.get("action_id", "").startswith(slack_ids.ACTION_REQUEST_FIX):
                return slack_ids.decode_value(element["value"])[0]
    raise AssertionError("no fix button")


def test_the_same_event_delivered_twice_gives_one_card(events: EventsUnderTest) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    events.send(failure(job, "ev-1"))

    assert sorted(events.drain()) == ["duplicate", "posted"]
    assert len(events.slack.posted_in(NOTIFY)) == 1
    assert events.left() == 0


def test_many_failures_of_one_cause_share_one_card(events: EventsUnderTest) -> None:
    jobs = [seed_failed_restore(events) for _ in range(6)]
    for i, job in enumerate(jobs):
        events.send(failure(job, f"ev-{i}"))

    outcomes = events.drain()

    assert sorted(outcomes) == ["burst"] * 5 + ["posted"]
    [top] = events.slack.posted_in(NOTIFY, top_level=True)
    replies = events.slack.posted_in(NOTIFY, top_level=False)
    assert len(replies) == 5
    assert {r["thread_ts"] for r in replies} == {top["ts"]}
    last = events.slack.calls_to("chat.update")[-1].args
    assert last["ts"] == top["ts"]
    text = json.dumps(last["blocks"])
    assert "6 restore jobs" in text
    assert all(job in text for job in jobs)
    assert _fix_buttons(last) == ["RESTORE_WITHOUT_IAM_ROLE", "GRANT_PASSROLE"]


def test_a_different_cause_gets_its_own_card(events: EventsUnderTest) -> None:
    first = seed_failed_restore(events)
    other = seed_failed_restore(
        events,
        "AWS Backup does not permit attaching a new instance profile to an EC2 instance. "
        "Please restore using the backed up instance profile.",
    )
    events.send(failure(first, "ev-1"))
    events.send(failure(other, "ev-2"))

    assert events.drain() == ["posted", "posted"]
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 2


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        (failure("J-1", "ev-1", status="COMPLETED"), "not_failure"),
        (failure("J-1", "ev-1", account="999988887777"), "unconfigured_account"),
        (failure("J-1", "ev-1", account=QUIET_ACCOUNT), "no_channel"),
    ],
)
def test_events_that_need_no_card_are_deleted_unposted(
    events: EventsUnderTest, event: dict[str, object], outcome: str
) -> None:
    events.send(event)

    assert events.drain() == [outcome]
    assert events.slack.posted_in(NOTIFY) == []
    assert events.left() == 0


def test_a_malformed_body_is_left_for_the_dead_letter_queue(events: EventsUnderTest) -> None:
    events.sqs.send_message(QueueUrl=events.queue_url, MessageBody="{not an event")

    assert events.drain(rounds=1) == ["malformed"]
    assert events.left() == 1  # not deleted: the redrive policy moves it on
    assert events.slack.posted_in(NOTIFY) == []


def test_slack_down_keeps_the_event_for_later_and_posts_it_once(events: EventsUnderTest) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    for _ in range(3):  # the client's own retries give up too
        events.slack.fail_next("chat.postMessage", status=503)

    assert events.drain(rounds=1) == ["retry"]
    assert events.left() == 1
    assert events.slack.posted_in(NOTIFY) == []
    message = _receive(events)
    assert events.consumer.handle(message) == "posted"
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1
    assert events.left() == 0


def _receive(events: EventsUnderTest) -> dict[str, object]:
    """The next delivery of the one message in the queue (made visible again at once)."""
    [message] = events.sqs.receive_message(
        QueueUrl=events.queue_url,
        MaxNumberOfMessages=1,
        WaitTimeSeconds=2,
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    )["Messages"]
    return message


def test_a_card_posted_by_a_process_that_died_is_not_posted_again(events: EventsUnderTest) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    events.drain()
    # the process died after the post, before it recorded it: the mark still says "posting"
    events.ledger().release("ev-1")
    assert events.ledger(clock=lambda: 1.0).claim("ev-1").state == "new"  # "posting" long ago
    events.send(failure(job, "ev-1"))

    assert events.drain() == ["duplicate"]  # found in the channel by its metadata
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1


def test_a_job_that_cannot_be_found_is_tried_again_then_reported(events: EventsUnderTest) -> None:
    events.send(failure("0D8B1F7A-1C2E-4B3A-9F6D-5E4C3B2A1908", "ev-1"))

    assert events.drain(rounds=1) == ["retry"]
    message = _receive(events)  # the second receive: max_attempts is 2
    assert events.consumer.handle(message) == "unreadable"

    [top] = events.slack.posted_in(NOTIFY, top_level=True)
    assert "0D8B1F7A-1C2E-4B3A-9F6D-5E4C3B2A1908" in top["text"]
    assert events.left() == 0


def test_when_slack_will_not_let_it_look_it_posts_again_rather_than_lose_it(
    events: EventsUnderTest,
) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    events.drain()
    events.ledger().release("ev-1")
    events.ledger(clock=lambda: 1.0).claim("ev-1")  # a process died while posting
    for key in events.redis.scan_iter(match=f"{events.prefix}:burst:*"):
        events.redis.delete(key)  # its burst window closed since
    events.slack.refuse_next("conversations.history", "missing_scope")
    events.send(failure(job, "ev-1"))

    assert events.drain() == ["posted"]
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 2


def test_a_job_joining_a_burst_is_remembered_on_the_card_request(events: EventsUnderTest) -> None:
    jobs = [seed_failed_restore(events) for _ in range(3)]
    for i, job in enumerate(jobs):
        events.send(failure(job, f"ev-{i}"))
    events.drain()

    request = events.store.get(_request_id(json.dumps(_card(events)["blocks"])))
    assert request.diagnosis.job is not None
    assert [request.diagnosis.job.job_id, *request.burst_jobs] == jobs


def test_aws_throttling_keeps_the_event_for_later_and_loses_nothing(
    events: EventsUnderTest,
) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    events.aws.inject_fault("backup:DescribeRestoreJob", "throttle", count=None)

    assert events.drain(rounds=1) == ["retry"]
    assert events.slack.posted_in(NOTIFY) == []
    assert events.left() == 1

    events.aws.clear_faults()
    assert events.consumer.handle(_receive(events)) == "posted"
    assert events.left() == 0


def test_redis_down_keeps_the_event_for_later(events: EventsUnderTest) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    dead = build_events(events.settings, events.config, f"redis://127.0.0.1:{_closed_port()}/0")
    consumer = EventConsumer(events.sqs, events.queue_url, dead, wait_seconds=0)
    [message] = events.sqs.receive_message(QueueUrl=events.queue_url, WaitTimeSeconds=1)["Messages"]

    assert consumer.handle(message) == "retry"
    assert events.slack.posted_in(NOTIFY) == []
    assert events.left() == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_redis_failing_after_the_post_never_undoes_it(
    events: EventsUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis error right after Slack took the card (injected at that moment) is logged; the
    event is not given back, so no second card follows."""
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))

    def unavailable(*_args: object) -> None:
        raise StateUnavailable("Redis is unreachable.")

    monkeypatch.setattr(events.notifier._store, "set_thread", unavailable)

    assert events.drain() == ["posted"]
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1
    assert events.left() == 0


def test_a_card_whose_record_failed_is_found_again_not_posted_twice(
    events: EventsUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = seed_failed_restore(events)
    events.send(failure(job, "ev-1"))
    ledger = events.notifier._ledger
    real_done = ledger.done

    def unavailable(*_args: object) -> None:
        raise StateUnavailable("Redis is unreachable.")

    monkeypatch.setattr(ledger, "done", unavailable)
    assert events.drain(rounds=1) == ["retry"]  # the card is out, its record is not
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1
    monkeypatch.setattr(ledger, "done", real_done)
    for key in events.redis.scan_iter(match=f"{events.prefix}:burst:*"):
        events.redis.delete(key)  # its burst window closed since
    events.redis.set(f"{events.prefix}:event:ev-1", "posting|1.000")  # and the lease is over

    assert events.drain() == ["duplicate"]
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1
