"""What happens after a user asks: diagnose, remember the request, answer with a card.

Runs in the work pool (after the ack). Every failure becomes a short error card for the asker; the
traceback goes to the log only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot import blocks
from bot.errors import BackupDoctorError, StateUnavailable
from bot.models import Diagnosis
from bot.observability.metrics import DECODE_SECONDS, DECODES
from bot.pipeline import Pipeline
from bot.replies import Origin, Replies
from bot.state import RequestStore

logger = logging.getLogger(__name__)

UNEXPECTED = BackupDoctorError(
    "Something went wrong on my side while looking at this.",
    "Try again in a minute; if it keeps failing, the bot's logs have the details.",
)


class Conversation:
    """Explains pasted text to one asker and records the request for the fix flow."""

    def __init__(
        self,
        pipeline: Pipeline,
        store: RequestStore,
        replies: Replies,
        account_label: Callable[[str | None], str | None],
    ) -> None:
        self._pipeline = pipeline
        self._store = store
        self._replies = replies
        self._account_label = account_label

    def explain(
        self,
        text: str,
        origin: Origin,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Diagnose ``text`` and post the card where ``origin`` wants it."""
        started = time.perf_counter()
        try:
            diagnosis = self._pipeline.diagnose_text(text, origin.channel_id, account_id, region)
        except BackupDoctorError as exc:
            DECODES.labels(outcome=exc.code.lower()).inc()
            logger.info("could not explain the input: %s (%s)", exc.code, exc.user_message)
            self.tell_error(origin, exc)
            return
        DECODES.labels(outcome="ok").inc()
        DECODE_SECONDS.observe(time.perf_counter() - started)
        self.post_diagnosis(diagnosis, origin)

    def post_diagnosis(self, diagnosis: Diagnosis, origin: Origin) -> None:
        """Record the request (for buttons) and post its card."""
        denial = diagnosis.denial
        # a masked account ("[redacted]") is shown as written but never acted on
        known = denial.account_id if denial and "account_id" not in denial.redacted else None
        account_id = (diagnosis.job.account_id if diagnosis.job else None) or known
        region = (diagnosis.job.region if diagnosis.job else None) or (
            diagnosis.denial.region if diagnosis.denial else None
        )
        try:
            request = self._store.create(
                diagnosis,
                channel_id=origin.channel_id or "",
                thread_ts=origin.thread_ts or "",
                requester=origin.user_id,
                account_id=account_id or "",
                region=region or "",
            )
            request_id: str | None = request.id
        except StateUnavailable:
            logger.warning("Redis unavailable: posting the diagnosis without fix buttons")
            request_id = None
        card = blocks.diagnosis_card(
            diagnosis,
            request_id=request_id,
            account_label=self._account_label(account_id),
            requester=origin.user_id,
        )
        summary = blocks.summary_text(diagnosis)
        channel, thread_ts = self._replies.answer(
            origin,
            parent_text=f"<@{origin.user_id}> asked about a backup error: {summary}",
            blocks=card,
            text=summary,
        )
        if request_id is not None and channel and thread_ts:
            self._store.set_thread(request_id, channel, thread_ts)

    def tell_error(self, origin: Origin, error: BaseException) -> None:
        """Show the asker what went wrong and what to do next (never a traceback)."""
        known = error if isinstance(error, BackupDoctorError) else UNEXPECTED
        self._replies.ephemeral(origin, blocks=blocks.error_card(known), text=known.user_message)
