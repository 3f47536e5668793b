"""Requests in Redis: create, read, and move between states atomically, with an audit event each.

Keys (``prefix`` keeps tenants and test runs apart): ``<prefix>:req:<id>`` (hash, TTL),
``<prefix>:audit`` (stream of transitions), ``<prefix>:pending`` (sorted set of requests waiting
for approval, by request time, for the expiry sweep).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from redis import Redis
from redis.typing import EncodableT, FieldT

from bot import audit
from bot.config import BotConfig
from bot.errors import StaleAction
from bot.models import Diagnosis, FixPlan, RequestState
from bot.state.outcome import MISSING, finish
from bot.state.redis_errors import redis_errors, text
from bot.state.request import (
    IMMUTABLE,
    Request,
    check_transition,
    encode_field,
    from_hash,
    recorded_by,
    to_hash,
)
from bot.state.scripts import ANNOTATE, TRANSITION

#: entries the audit stream keeps (approximately); the ``bot.audit`` log keeps everything
AUDIT_STREAM_MAXLEN = 100_000
#: fields that change without a state change: where a request's messages are, and the restore
#: a running fix started (recorded at once: a run after a dead worker follows it, never restarts it)
ANNOTATION_FIELDS = frozenset(
    {"channel_id", "thread_ts", "message_ts", "restore_job_id", "restore_run"}
    | {"burst_jobs", "more_restore_job_ids"}
)
_Fields = dict[FieldT, EncodableT]


class RequestStore:
    """Requests and their state machine, in Redis. Safe to share between threads and processes."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        ttl_seconds: int,
        approval_timeout_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self.ttl_seconds = ttl_seconds
        self.approval_timeout_seconds = approval_timeout_seconds
        self.clock = clock
        self._transition = redis.register_script(TRANSITION)
        self._annotate = redis.register_script(ANNOTATE)

    @classmethod
    def from_config(cls, redis: Redis, prefix: str, config: BotConfig) -> RequestStore:
        """A store with the TTL and approval timeout of the bot's configuration."""
        return cls(
            redis,
            prefix,
            ttl_seconds=int(config.request_ttl_days * 86400),
            approval_timeout_seconds=config.approval_timeout_hours * 3600,
        )

    @property
    def audit_stream(self) -> str:
        """The Redis stream every transition is appended to."""
        return f"{self._prefix}:audit"

    def key(self, request_id: str) -> str:
        """The Redis key of one request."""
        return f"{self._prefix}:req:{request_id}"

    def create(
        self,
        diagnosis: Diagnosis,
        channel_id: str,
        thread_ts: str,
        requester: str,
        account_id: str,
        region: str,
        grant_request_id: str | None = None,
    ) -> Request:
        """Record a new request in state DIAGNOSED (with a ``created`` audit event)."""
        now = self._now()
        request = Request(
            id=uuid.uuid4().hex,
            account_id=account_id,
            region=region,
            channel_id=channel_id,
            thread_ts=thread_ts,
            requester=requester,
            diagnosis=diagnosis,
            state="DIAGNOSED",
            created_at=now,
            updated_at=now,
            grant_request_id=grant_request_id,
        )
        event = {"request": request.id, "actor": requester, "at": now.isoformat(), "from": ""}
        event |= {"to": "DIAGNOSED", "account_id": account_id, "region": region}
        with redis_errors():
            pipe = self._redis.pipeline(transaction=True)
            pipe.hset(self.key(request.id), mapping=cast(_Fields, to_hash(request)))
            pipe.expire(self.key(request.id), self.ttl_seconds)
            pipe.xadd(
                self.audit_stream,
                cast(_Fields, event),
                maxlen=AUDIT_STREAM_MAXLEN,
                approximate=True,
            )
            pipe.execute()
        audit.log_event(event)
        return request

    def get(self, request_id: str) -> Request:
        """The request, or ``StaleAction`` when it expired (TTL) or never existed."""
        with redis_errors():
            raw = self._redis.hgetall(self.key(request_id))
        if not raw:
            raise StaleAction(*MISSING)
        return from_hash({text(k): text(v) for k, v in raw.items()})

    def set_thread(self, request_id: str, channel_id: str, thread_ts: str) -> None:
        """Remember where the request's thread is (after the card was posted)."""
        self._place(request_id, {"channel_id": channel_id, "thread_ts": thread_ts})

    def set_message_ts(self, request_id: str, message_ts: str) -> None:
        """Remember which message is the request's card (the one its buttons are on)."""
        self._place(request_id, {"message_ts": message_ts})

    def record_restore(self, request_id: str, restore_job_id: str, run: int) -> None:
        """Remember the restore job that run ``run`` of the fix started, as soon as it started."""
        self._place(request_id, {"restore_job_id": restore_job_id, "restore_run": str(run)})

    def add_burst_job(self, request_id: str, job_id: str) -> list[str]:
        """Add a job that failed the same way to the request's burst (once); the burst's jobs.

        Callers serialise per cause (the events ledger's cause lock), so read-then-write is safe.
        """
        jobs = self.get(request_id).burst_jobs
        if job_id not in jobs:
            jobs = [*jobs, job_id]
            self._place(request_id, {"burst_jobs": json.dumps(jobs)})
        return jobs

    def record_more_restores(self, request_id: str, job_ids: list[str]) -> None:
        """Remember the re-runs started for the burst's other jobs, as soon as they started."""
        self._place(request_id, {"more_restore_job_ids": json.dumps(job_ids)})

    def transition(
        self,
        request_id: str,
        from_states: Collection[RequestState],
        to_state: RequestState,
        actor: str,
        fields: Mapping[str, Any] | None = None,
        audit_details: Mapping[str, Any] | None = None,
    ) -> Request:
        """Move the request to ``to_state`` if it is in one of ``from_states``, atomically.

        Sets ``fields`` (request fields, ``None`` removes one; who asked or decided, and when, are
        filled in from ``actor`` unless given) and appends an audit event with
        ``audit_details``; a plan in ``fields`` also records its policy hash, before and after.
        Raises ``StaleAction`` (a ``RequestMoved`` with the current request) when the request
        moved on, expired or is gone, and ``StateUnavailable`` when Redis cannot be reached.
        """
        check_transition(from_states, to_state)
        now = self.clock()
        fields = recorded_by(to_state, actor, now) | dict(fields or {})
        clash = IMMUTABLE & fields.keys()
        if clash:
            raise ValueError(f"a transition may not set {sorted(clash)}")
        extras = audit.extra_fields(audit_details or {})
        plan = fields.get("plan")
        if isinstance(plan, FixPlan):
            extras |= audit.plan_fields(plan)
            if plan.policy is not None:
                fields["policy_sha256"] = audit.policy_sha256(plan.policy)
        encoded = {name: encode_field(name, value) for name, value in fields.items()}
        args: list[EncodableT] = [
            request_id,
            json.dumps(sorted(from_states)),
            to_state,
            actor,
            f"{now:.6f}",
            datetime.fromtimestamp(now, UTC).isoformat(),
            json.dumps({k: v for k, v in encoded.items() if v is not None}),
            json.dumps([k for k, v in encoded.items() if v is None]),
            json.dumps(extras),
            self.ttl_seconds,
            self.approval_timeout_seconds,
            AUDIT_STREAM_MAXLEN,
            uuid.uuid4().hex,
        ]
        keys = [self.key(request_id), self.audit_stream, self._pending_key]
        with redis_errors():
            reply = self._transition(keys=keys, args=args)
        return finish(reply, actor, to_state, extras, self.approval_timeout_seconds)

    def expire_stale(self) -> list[str]:
        """Expire every fix request that waited longer than the approval timeout; their ids."""
        due = self.clock() - self.approval_timeout_seconds
        with redis_errors():
            ids = cast(list[bytes | str], self._redis.zrangebyscore(self._pending_key, "-inf", due))
        expired = []
        for request_id in map(text, ids):
            try:
                self.transition(request_id, ["FIX_REQUESTED"], "EXPIRED", "system")
            except StaleAction:
                continue  # decided, expired by a click, or gone since the read
            expired.append(request_id)
        return expired

    def audit_events(self, request_id: str | None = None) -> list[dict[str, str]]:
        """The audit events in the stream, oldest first: all of them, or one request's."""
        with redis_errors():
            return audit.read_events(self._redis, self.audit_stream, request_id)

    @property
    def _pending_key(self) -> str:
        return f"{self._prefix}:pending"

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _place(self, request_id: str, fields: Mapping[str, str]) -> None:
        if not ANNOTATION_FIELDS.issuperset(fields):
            raise ValueError(f"only {sorted(ANNOTATION_FIELDS)} change without a transition")
        args = [part for name, value in fields.items() for part in (name, value)]
        with redis_errors():
            found = self._annotate(keys=[self.key(request_id)], args=args)
        if not found:
            raise StaleAction(*MISSING)
