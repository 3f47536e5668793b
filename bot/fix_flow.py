"""The buttons' side of the fix flow, run in the web process after each ack.

Request a fix -> plan it with the read role and post the approval card; approve / deny (never your
own request; the first valid click wins) -> enqueue for a worker; retry; revert a finished grant.
Each step re-reads the request from Redis; a button value is only a pointer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot import blocks
from bot.approvals import ApprovalPolicy, approver_mentions
from bot.aws.backup_jobs import JobFinder
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig, BotConfig
from bot.errors import AccountUnknown, BackupDoctorError, NotAllowed, StaleAction
from bot.fixes import PlanInputs, fix_for, plan_fix, plan_revert, policy_diff
from bot.models import Job, JobRef, Remedy
from bot.observability.metrics import APPROVALS
from bot.replies import Origin, Replies
from bot.slack_ids import decode_value
from bot.state import Request, RequestStore, approve, deny, request_fix, start_revert

logger = logging.getLogger(__name__)

#: moves a request to QUEUED (recording who did it) and enqueues it once
Enqueue = Callable[[Request, str], None]


class FixFlow:
    """Carries a request from "fix requested" to "queued for a worker", with four eyes."""

    def __init__(
        self,
        config: BotConfig,
        store: RequestStore,
        policy: ApprovalPolicy,
        sessions: ReadSessions,
        replies: Replies,
        slack: WebClient,
        enqueue: Enqueue,
        jobs: JobFinder | None = None,
    ) -> None:
        self._config = config
        self._store = store
        self._policy = policy
        self._sessions = sessions
        self._replies = replies
        self._slack = slack
        self._enqueue = enqueue
        self._jobs = jobs

    @staticmethod
    def origin_of(body: dict[str, Any]) -> Origin:
        """Where a button was clicked: the clicker, the channel and the card's thread."""
        message = body.get("message") or {}
        container = body.get("container") or {}
        return Origin(
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            thread_ts=message.get("thread_ts") or container.get("thread_ts") or message.get("ts"),
            response_url=body.get("response_url"),
            message_ts=container.get("message_ts") or message.get("ts"),
        )

    def show_decoded(self, value: str, user_id: str, trigger_id: str, origin: Origin) -> None:
        """Open the full decoded message for the person who asked; refuse everyone else."""
        request = self._store.get(decode_value(value)[0])
        if not request.requester:
            self._may_see_unasked(request, user_id)
        elif user_id != request.requester:
            raise NotAllowed(
                "Only the person who asked can see the decoded message: it can hold "
                "privileged detail.",
                "Run /decode-backup-error on the same error to see it yourself.",
            )
        decoded = request.diagnosis.decoded_message
        if not decoded:
            raise NotAllowed("There is no decoded message for this request.")
        self._slack.views_open(trigger_id=trigger_id, view=blocks.decoded_view(decoded))

    def _may_see_unasked(self, request: Request, user_id: str) -> None:
        """A card nobody asked for (a failure reported by the events process): its decoded
        message is for the account's approvers, the people who may act on what it says."""
        try:
            self._policy.check(request, user_id)
        except NotAllowed as exc:
            raise NotAllowed(
                "Only the account's approvers can see the decoded message of a failure the bot "
                "reported on its own: it can hold privileged detail.",
                "Run /decode-backup-error on the job ID to see it yourself.",
            ) from exc

    def request_fix(self, value: str, user_id: str, origin: Origin) -> None:
        """Plan the chosen remedy (read role only), record it and ask the approvers."""
        request_id, remedy_id = decode_value(value)
        request = self._store.get(request_id)
        remedy = _automatic_remedy(request, remedy_id)
        account = self._account(request.account_id)
        iam = self._sessions.client(account.id, "iam", request.region or account.regions[0])
        more = self._burst_jobs(request, account)
        plan = plan_fix(
            PlanInputs(request.diagnosis, request_id, iam, remedy=remedy, more_jobs=more)
        )
        request = request_fix(self._store, request_id, user_id, plan, remedy.id)
        self._post_approval_card(request, remedy.title)

    def _burst_jobs(self, request: Request, account: AccountConfig) -> tuple[Job, ...]:
        """The other jobs of a burst card, read again now (a fix re-runs them with the first)."""
        first = request.diagnosis.job
        if not request.burst_jobs or self._jobs is None or first is None:
            return ()
        found: list[Job] = []
        for job_id in request.burst_jobs:
            ref = JobRef(job_id=job_id, job_type=first.job_type)
            try:
                found.append(self._jobs.describe(account, first.region, ref))
            except BackupDoctorError as exc:
                logger.warning("burst job %s left out of the fix: %s", job_id, exc.user_message)
        return tuple(found)

    def request_revert(self, value: str, user_id: str, origin: Origin) -> None:
        """Start a revert request for a finished change: it needs approval like any change."""
        grant = self._store.get(decode_value(value)[0])
        reverter = fix_for(grant.fix).revert_with if grant.fix else None
        if reverter is None:
            raise StaleAction("Only a finished permission grant can be reverted.")
        revert = start_revert(self._store, grant.id, user_id, grant.channel_id, grant.thread_ts)
        account = self._account(grant.account_id)
        assert grant.plan is not None  # start_revert checked it
        iam = self._sessions.client(account.id, "iam", grant.region or account.regions[0])
        plan = plan_revert(grant.plan, diagnosis=grant.diagnosis, request_id=revert.id, iam=iam)
        revert = request_fix(self._store, revert.id, user_id, plan, reverter)
        self._post_approval_card(revert, fix_for(reverter).title)

    def approve(self, value: str, user_id: str, origin: Origin) -> None:
        """Approve (checked: allowed approver, not the requester) and hand it to a worker."""
        try:
            request = approve(self._store, self._policy.check, decode_value(value)[0], user_id)
        except NotAllowed:
            APPROVALS.labels(decision="refused").inc()
            raise
        APPROVALS.labels(decision="approved").inc()
        self._refresh_approval_card(request, origin.message_ts)
        self._enqueue(request, user_id)

    def deny(self, value: str, user_id: str, origin: Origin) -> None:
        """Deny (an approver) or withdraw (the person who asked)."""
        request = deny(self._store, self._policy.check, decode_value(value)[0], user_id)
        APPROVALS.labels(decision="denied").inc()
        self._refresh_approval_card(request, origin.message_ts)

    def retry(self, value: str, user_id: str, origin: Origin) -> None:
        """Run a failed fix again: the approval rules apply again to whoever clicks."""
        request = self._store.get(decode_value(value)[0])
        self._policy.check(request, user_id)
        self._enqueue(request, user_id)

    def _account(self, account_id: str) -> Any:
        account = self._config.account(account_id)
        if account is None:
            raise AccountUnknown(
                "I can't tell which configured AWS account this request belongs to.",
                "Fixes need a configured account: add it to the accounts file.",
            )
        return account

    def _post_approval_card(self, request: Request, remedy_title: str) -> None:
        assert request.plan is not None
        account = self._account(request.account_id)
        card = blocks.approval_card(
            request.plan,
            request_id=request.id,
            requester=request.fix_requested_by or request.requester,
            remedy_title=remedy_title,
            state=request.state,
            diff=policy_diff(request.plan),
        )
        text = f"Approval needed from {approver_mentions(account)}: {request.plan.summary}"
        ts = self._replies.in_thread(request.channel_id, request.thread_ts, blocks=card, text=text)
        self._store.set_message_ts(request.id, ts)

    def _refresh_approval_card(self, request: Request, clicked_ts: str | None) -> None:
        # the card clicked on is the one to update; the stored ts may not be saved yet when a
        # click follows the card within milliseconds
        message_ts = clicked_ts or request.message_ts
        if request.plan is None or not message_ts:
            return
        card = blocks.approval_card(
            request.plan,
            request_id=request.id,
            requester=request.fix_requested_by or request.requester,
            remedy_title=_remedy_title(request),
            state=request.state,
            decided_by=request.approver,
            decided_at=request.decided_at,
            diff=policy_diff(request.plan),
        )
        text = f"{request.state.title()}: {request.plan.summary}"
        self._replies.update(request.channel_id, message_ts, blocks=card, text=text)


def _automatic_remedy(request: Request, remedy_id: str) -> Remedy:
    remedy = next((r for r in request.diagnosis.remedies if r.id == remedy_id), None)
    if remedy is None or not remedy.automatic or remedy.fix is None:
        raise NotAllowed(
            "I can't carry this remedy out myself.",
            "Follow its steps on the card, or ask the policy owner it names.",
        )
    return remedy


def _remedy_title(request: Request) -> str:
    """The chosen remedy's title, else the catalogue's title of the fix (a revert has no remedy)."""
    remedy = next((r for r in request.diagnosis.remedies if r.id == request.remedy_id), None)
    if remedy is not None:
        return remedy.title
    return fix_for(request.fix).title if request.fix else "Fix"
