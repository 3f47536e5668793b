"""A failed AWS Backup job, read from its event, becomes a card in the account's channel.

The card is built from the job itself (the read role's Describe*Job, then the same pipeline as a
pasted job ARN), posted as a new message in the account's ``notify_channel``, and recorded like a
card asked for with the slash command, so its buttons, approvals and progress work the same.
Failures of one cause in one account within the burst window share one card: the card says how
many, and each further job's details go in its thread.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.blocks.mrkdwn import literal
from bot.config import AccountConfig, BotConfig
from bot.errors import BackupDoctorError, StaleAction, StateUnavailable
from bot.events.backup_event import BackupEvent
from bot.events.ledger import Burst, EventLedger
from bot.models import Diagnosis
from bot.pipeline import Pipeline
from bot.replies import Replies
from bot.state import RequestStore

logger = logging.getLogger(__name__)


#: Slack errors that mean "the bot may not read this channel", not "Slack is down"
CANNOT_LOOK = frozenset(
    {"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"}
)


class RetryLater(Exception):
    """The event could not be handled now (AWS, Slack or Redis trouble): deliver it again."""


@dataclass(frozen=True)
class Handled:
    """What became of one event: the metric's outcome, and where its card is (if any)."""

    outcome: str
    channel: str = ""
    ts: str = ""


def cause_of(diagnosis: Diagnosis) -> str:
    """What makes two failures "the same": the first finding, the denied action and resource,
    and the role denied (or the job's role). A short hash, for a Redis key."""
    denial, job = diagnosis.denial, diagnosis.job
    parts = [
        diagnosis.findings[0].code if diagnosis.findings else "",
        denial.action or "" if denial else "",
        denial.resource or "" if denial else "",
        (denial.role_arn or denial.principal_arn or "") if denial else "",
        (job.iam_role_arn or "") if job else "",
        (job.job_type if job else ""),
    ]
    if not any(parts[1:4]):
        # no denial to compare: the failure's own message says what went wrong
        parts.append((job.status_message or "")[:300] if job else "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


class FailureNotifier:
    """Posts the card of each failed job once, grouping bursts of one cause."""

    def __init__(
        self,
        config: BotConfig,
        pipeline: Pipeline,
        store: RequestStore,
        replies: Replies,
        ledger: EventLedger,
        account_label: Callable[[str | None], str | None],
    ) -> None:
        self._config = config
        self._pipeline = pipeline
        self._store = store
        self._replies = replies
        self._ledger = ledger
        self._label = account_label

    def handle(self, event: BackupEvent, receive_count: int = 1) -> Handled:
        """Post what ``event`` needs (if anything); ``RetryLater`` when it must come again."""
        if not event.is_failure:
            return Handled("not_failure")
        account = self._config.account(event.account_id)
        if account is None:
            return Handled("unconfigured_account")
        if account.notify_channel is None:
            return Handled("no_channel")
        try:
            claim = self._ledger.claim(event.event_id)
        except StateUnavailable as exc:
            raise RetryLater("Redis is unavailable") from exc
        if claim.state == "done":
            return Handled("duplicate", claim.channel or "", claim.ts or "")
        if claim.state == "busy":
            raise RetryLater("another process is posting this event's card")
        try:
            handled = self._post(event, account, account.notify_channel, receive_count, claim.state)
        except (RetryLater, StateUnavailable, SlackApiError) as exc:
            # raised before anything reached Slack (what follows a post never raises): the
            # next delivery starts anew
            self._give_back(event.event_id)
            if isinstance(exc, RetryLater):
                raise
            raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
        try:
            self._ledger.done(event.event_id, handled.outcome, handled.channel, handled.ts)
        except StateUnavailable as exc:
            # the card is out; the claim stays "posting", so the next delivery finds the card
            # by its metadata once the lease is over instead of posting it again
            raise RetryLater("the card is posted, but Redis could not record it") from exc
        return handled

    def _posted_before(
        self, channel: str, event_id: str, thread_ts: str | None = None
    ) -> str | None:
        """The card a dead process may have posted; None when there is none, or when Slack
        will not let the bot look (then posting again beats losing the failure)."""
        try:
            return self._replies.find_event_message(channel, event_id, thread_ts)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in CANNOT_LOOK:
                raise
            logger.warning(
                "event %s: cannot look for an earlier card in %s (%s): posting it; give the app "
                "channels:history and groups:history to rule out a second card",
                event_id,
                channel,
                error,
            )
            return None

    def _give_back(self, event_id: str) -> None:
        try:
            self._ledger.release(event_id)
        except StateUnavailable:
            logger.warning("could not release the claim on event %s (Redis)", event_id)

    def _post(
        self, event: BackupEvent, account: AccountConfig, channel: str, count: int, claim: str
    ) -> Handled:
        assert event.job_id is not None
        assert event.job_type is not None
        try:
            diagnosis = self._pipeline.diagnose_text(
                event.job_arn, channel, account.id, event.region
            )
        except BackupDoctorError as exc:
            retry_unfound = count < self._config.events.max_attempts
            if exc.transient or (exc.code == "JOB_NOT_FOUND" and retry_unfound):
                raise RetryLater(f"{exc.code}: {exc.user_message}") from exc
            return self._unreadable(event, account, channel, exc, claim)
        cause = cause_of(diagnosis)
        with self._ledger.cause_lock(account.id, cause) as locked:
            if not locked:
                raise RetryLater("another process is posting a card of the same cause")
            burst = self._ledger.burst(account.id, cause)
            if burst is not None and event.job_id not in burst.jobs:
                return self._join(event, account, diagnosis, cause, burst, claim)
            if burst is not None:  # this very job's card (a second event for one job)
                return Handled("duplicate", burst.channel, burst.ts)
            return self._new_card(event, account, diagnosis, cause, channel, claim)

    def _new_card(
        self,
        event: BackupEvent,
        account: AccountConfig,
        diagnosis: Diagnosis,
        cause: str,
        channel: str,
        claim: str,
    ) -> Handled:
        window = self._config.events.burst_window_seconds
        assert event.job_id is not None
        if claim == "stale" and (ts := self._posted_before(channel, event.event_id)):
            logger.info("event %s: its card was posted before a restart (%s)", event.event_id, ts)
            return Handled("duplicate", channel, ts)
        request = self._store.create(
            diagnosis,
            channel_id=channel,
            thread_ts="",
            requester="",
            account_id=account.id,
            region=diagnosis.job.region if diagnosis.job else event.region,
        )
        card = blocks.failure_card(
            diagnosis,
            request_id=request.id,
            account_label=self._label(account.id),
            jobs=[event.job_id],
            failed_at=event.time or None,
        )
        text = f"{literal(account.name, 100)}: {blocks.summary_text(diagnosis)}"
        ts = self._replies.new_message(channel, blocks=card, text=text, event_id=event.event_id)
        with _after_the_post(event.event_id):
            self._store.set_thread(request.id, channel, ts)
            self._ledger.open_burst(
                account.id, cause, Burst(request.id, channel, ts, [event.job_id]), window
            )
        logger.info(
            "event %s: posted the card of %s job %s in %s (request %s)",
            event.event_id,
            event.job_type,
            event.job_id,
            channel,
            request.id,
        )
        return Handled("posted", channel, ts)

    def _join(
        self,
        event: BackupEvent,
        account: AccountConfig,
        diagnosis: Diagnosis,
        cause: str,
        burst: Burst,
        claim: str,
    ) -> Handled:
        assert event.job_id is not None
        found = None
        if claim == "stale":
            found = self._posted_before(burst.channel, event.event_id, burst.ts)
        if found is None:
            reply = blocks.burst_job_reply(
                diagnosis.job, event.job_id, event.region, event.time or None
            )
            text = f"{event.job_type} job {literal(event.job_id, 128)} failed the same way"
            found = self._replies.in_thread(
                burst.channel, burst.ts, blocks=reply, text=text, event_id=event.event_id
            )
        window = self._config.events.burst_window_seconds
        with _after_the_post(event.event_id):
            self._ledger.join_burst(account.id, cause, event.job_id, window)
            try:  # a fix asked for on the card re-runs this job too
                self._store.add_burst_job(burst.request_id, event.job_id)
            except StaleAction:
                logger.info(
                    "burst card %s: its request expired; job %s only listed",
                    burst.ts,
                    event.job_id,
                )
            self._refresh_burst_card(account, cause, burst)
        logger.info(
            "event %s: %s job %s joined the card %s in %s",
            event.event_id,
            event.job_type,
            event.job_id,
            burst.ts,
            burst.channel,
        )
        return Handled("burst", burst.channel, found)

    def _refresh_burst_card(self, account: AccountConfig, cause: str, burst: Burst) -> None:
        now = self._ledger.burst(account.id, cause)
        jobs = now.jobs if now else burst.jobs
        try:
            request = self._store.get(burst.request_id)
        except BackupDoctorError:
            return  # the request expired: the thread still lists every job
        card = blocks.failure_card(
            request.diagnosis,
            request_id=request.id,
            account_label=self._label(account.id),
            jobs=jobs,
        )
        name = literal(account.name, 100)
        text = f"{name}: {len(jobs)} jobs failed: {blocks.summary_text(request.diagnosis)}"
        try:
            self._replies.update(burst.channel, burst.ts, blocks=card, text=text)
        except SlackApiError as exc:
            # the thread has the job already; the count on the card catches up with the next one
            logger.warning("could not update the burst card %s: %s", burst.ts, exc)

    def _unreadable(
        self,
        event: BackupEvent,
        account: AccountConfig,
        channel: str,
        error: BackupDoctorError,
        claim: str,
    ) -> Handled:
        assert event.job_id is not None
        assert event.job_type is not None
        if claim == "stale" and (ts := self._posted_before(channel, event.event_id)):
            return Handled("duplicate", channel, ts)
        card = blocks.unreadable_failure_card(
            event.job_type, event.job_id, account.label, event.region, error
        )
        name, job = literal(account.name, 100), literal(event.job_id, 128)
        text = f"{name}: AWS Backup {event.job_type} job {job} failed"
        ts = self._replies.new_message(channel, blocks=card, text=text, event_id=event.event_id)
        logger.warning(
            "event %s: job %s failed but could not be read: %s", event.event_id, event.job_id, error
        )
        return Handled("unreadable", channel, ts)


@contextmanager
def _after_the_post(event_id: str) -> Iterator[None]:
    """What follows a card's post must not undo it: a Redis error there is logged, not raised
    (raising would give the claim back, and the next delivery would post a second card)."""
    try:
        yield
    except StateUnavailable:
        logger.warning(
            "event %s: the card is posted, but Redis could not record where (buttons may answer "
            "that the request is gone until it is asked again)",
            event_id,
        )
