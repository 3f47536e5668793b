"""After a grant made with no job known: "Re-run the restore" asks for the failed job's ID.

The button opens a modal; the job ID given is diagnosed in the request's own thread, where the
card offers the re-run fixes (the grant is already in place, so it only re-runs) for approval
like any other. A wrong ID is answered inside the modal; an expired request says so there too.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot import blocks, slack_ids
from bot.errors import BackupDoctorError
from bot.inputs import parse_input
from bot.models import ParsedInput
from bot.observability.metrics import COMMANDS
from bot.replies import Origin
from bot.wiring import Services

logger = logging.getLogger(__name__)

NOT_A_RESTORE_JOB = (
    "That is not a restore job ID or ARN. Copy it from the AWS Backup console (Jobs, Restore "
    "jobs, the failed job)."
)


def restore_job_text(text: str) -> str | None:
    """``text`` when it names one restore job (an ID, or a restore job ARN); else None."""
    parsed = parse_input(text)
    if not isinstance(parsed, ParsedInput) or parsed.kind not in ("job_id", "job_arn"):
        return None
    job = parsed.job
    if job is None or job.job_type not in (None, "restore"):
        return None
    return text


def register(app: App, services: Services) -> None:
    @app.action(slack_ids.ACTION_RERUN_ASK)
    def ask_for_the_job(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        try:
            request_id, _ = slack_ids.decode_value(action.get("value", ""))
        except slack_ids.InvalidActionValue as exc:
            logger.warning("re-run button with an unusable value: %s", exc)
            return
        view = blocks.rerun_modal(request_id)
        trigger_id = body["trigger_id"]
        services.work.submit(lambda: services.slack.views_open(trigger_id=trigger_id, view=view))

    @app.view(slack_ids.RERUN_MODAL_CALLBACK)
    def job_given(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"].get(slack_ids.RERUN_JOB_BLOCK) or {}
        text = ((values.get(slack_ids.RERUN_JOB_ACTION) or {}).get("value") or "").strip()
        job_text = restore_job_text(text)
        if job_text is None:
            ack(response_action="errors", errors={slack_ids.RERUN_JOB_BLOCK: NOT_A_RESTORE_JOB})
            return
        try:
            request = services.store.get(view.get("private_metadata") or "")
        except BackupDoctorError as exc:
            message = f"{exc.user_message} {exc.next_step}".strip()
            ack(response_action="errors", errors={slack_ids.RERUN_JOB_BLOCK: message[:150]})
            return
        ack()
        origin = Origin(
            user_id=body["user"]["id"],
            channel_id=request.channel_id or None,
            thread_ts=request.thread_ts or None,
        )
        COMMANDS.labels(entry="rerun_modal").inc()
        services.work.submit(
            services.conversation.explain,
            job_text,
            origin,
            request.account_id or None,
            request.region or None,
            on_error=lambda exc: services.conversation.tell_error(origin, exc),
        )
