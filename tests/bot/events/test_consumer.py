"""The events loop: bounded backoff, stops when told, and an unreadable queue never kills it."""

from __future__ import annotations

import threading
import time

import pytest

from bot.events.consumer import EventConsumer, retry_delay
from tests.bot.events.conftest import NOTIFY, EventsUnderTest, failure, seed_failed_restore


def test_the_retry_delay_doubles_and_is_bounded() -> None:
    assert [retry_delay(n) for n in range(1, 8)] == [15, 30, 60, 120, 240, 480, 900]
    assert retry_delay(50) == 900
    assert retry_delay(0) == 15


@pytest.mark.usefixtures("roles")
def test_the_loop_posts_what_arrives_and_stops_when_told(events: EventsUnderTest) -> None:
    consumer = EventConsumer(events.sqs, events.queue_url, events.notifier, wait_seconds=1)
    loop = threading.Thread(target=consumer.run)
    loop.start()
    try:
        events.send(failure(seed_failed_restore(events), "ev-1"))
        deadline = time.monotonic() + 20
        while not events.slack.posted_in(NOTIFY) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        consumer.stopping.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert len(events.slack.posted_in(NOTIFY, top_level=True)) == 1
    assert events.left() == 0


def test_a_queue_it_cannot_read_only_slows_the_loop(
    events: EventsUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    missing = events.queue_url.rsplit("/", 1)[0] + "/no-such-queue"
    consumer = EventConsumer(events.sqs, missing, events.notifier, wait_seconds=0)
    loop = threading.Thread(target=consumer.run)
    loop.start()
    time.sleep(1.5)
    assert loop.is_alive()  # still trying, backing off
    consumer.stopping.set()
    loop.join(timeout=5)
    assert not loop.is_alive()
    assert "cannot read the events queue" in caplog.text
