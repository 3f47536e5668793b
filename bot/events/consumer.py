"""The events process's loop: long-poll the queue, handle each message, delete it only when done.

At-least-once in, exactly-once out: a message is deleted after its card is posted (or after it
is judged not to need one), so a crash before that delivers it again and the ledger keeps the
second delivery from posting twice. What could not be handled now (AWS, Slack or Redis trouble)
is made visible again after a bounded backoff; a malformed body is left alone for the queue's
redrive policy, which moves it to the dead-letter queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.events.backup_event import MalformedEvent, parse_event
from bot.events.notifier import FailureNotifier, RetryLater
from bot.observability.metrics import EVENTS

logger = logging.getLogger(__name__)

#: seconds a receive call waits for messages (SQS's most)
WAIT_SECONDS = 20
#: the first retry's delay and the cap of the backoff, in seconds (SQS allows up to 12 hours)
RETRY_BASE_SECONDS = 15
RETRY_MAX_SECONDS = 900
#: seconds between attempts after the queue itself could not be read, doubling up to the cap
RECEIVE_BACKOFF_MAX_SECONDS = 60.0


def retry_delay(receive_count: int, base: int = RETRY_BASE_SECONDS) -> int:
    """Seconds until a message that must come again is visible: 15, 30, 60 ... capped at 900."""
    return int(min(RETRY_MAX_SECONDS, base * 2 ** max(0, receive_count - 1)))


class EventConsumer:
    """Reads one SQS queue until told to stop; each message goes to the notifier."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        notifier: FailureNotifier,
        *,
        wait_seconds: int = WAIT_SECONDS,
        delay: Callable[[int], int] = retry_delay,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._notifier = notifier
        self._wait = wait_seconds
        self._delay = delay
        self.stopping = threading.Event()

    def run(self) -> None:
        """Poll until ``stopping`` is set; the queue being unreachable only slows the loop."""
        backoff = 1.0
        while not self.stopping.is_set():
            try:
                messages = self._receive()
            except (ClientError, BotoCoreError) as exc:
                logger.warning("cannot read the events queue (%s); again in %.0f s", exc, backoff)
                self.stopping.wait(backoff)
                backoff = min(RECEIVE_BACKOFF_MAX_SECONDS, backoff * 2)
                continue
            backoff = 1.0
            for message in messages:
                self.handle(message)

    def _receive(self) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self._wait,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return list(response.get("Messages") or [])

    def handle(self, message: dict[str, Any]) -> str:
        """Handle one message; return the outcome counted (and logged) for it."""
        message_id = message.get("MessageId", "?")
        count = int((message.get("Attributes") or {}).get("ApproximateReceiveCount") or 1)
        try:
            event = parse_event(message.get("Body", ""))
        except MalformedEvent as exc:
            # left in the queue: after the redrive policy's receives it is in the dead-letter queue
            logger.error("message %s is not a usable AWS Backup event: %s", message_id, exc)
            EVENTS.labels(outcome="malformed").inc()
            return "malformed"
        try:
            handled = self._notifier.handle(event, count)
        except RetryLater as exc:
            delay = self._delay(count)
            logger.warning(
                "event %s (message %s, receive %d): %s; again in %d s",
                event.event_id,
                message_id,
                count,
                exc,
                delay,
            )
            EVENTS.labels(outcome="retry").inc()
            self._visible_again(message, delay)
            return "retry"
        except Exception:  # one bad event must not stop the others
            logger.exception(
                "event %s (message %s) failed unexpectedly", event.event_id, message_id
            )
            EVENTS.labels(outcome="retry").inc()
            self._visible_again(message, self._delay(count))
            return "retry"
        logger.info(
            "event %s (%s, %s %s): %s",
            event.event_id,
            event.account_id,
            event.detail_type,
            event.state or "-",
            handled.outcome,
        )
        EVENTS.labels(outcome=handled.outcome).inc()
        self._delete(message)
        return handled.outcome

    def _delete(self, message: dict[str, Any]) -> None:
        try:
            self._sqs.delete_message(
                QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        except (ClientError, BotoCoreError) as exc:
            # delivered again later; the ledger answers "done" and it is deleted then
            logger.warning("could not delete message %s: %s", message.get("MessageId"), exc)

    def _visible_again(self, message: dict[str, Any], delay: int) -> None:
        try:
            self._sqs.change_message_visibility(
                QueueUrl=self._queue_url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=delay,
            )
        except (ClientError, BotoCoreError) as exc:
            # the queue's own visibility timeout brings it back instead
            logger.warning("could not delay message %s: %s", message.get("MessageId"), exc)
