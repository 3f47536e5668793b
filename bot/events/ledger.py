"""Exactly one card per event, and one card per burst, kept in Redis.

``<prefix>:event:<id>`` holds ``posting|<since>`` while a process posts the event's card and
``done|<outcome>|<channel>|<ts>`` after. A claim is atomic (one Lua script), so two processes
never both post. A ``posting`` mark older than the lease means the process that held it died
after it may have posted; the next one must look in Slack before posting again (the card carries
the event id in its message metadata).

``<prefix>:burst:<account>:<cause>`` names the card that failures of one cause in one account
share while they keep coming (each one extends the window); ``...:jobs`` lists their jobs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Literal

from redis import Redis
from redis.exceptions import LockError

from bot.state.redis_errors import redis_errors, text

ClaimState = Literal["new", "stale", "busy", "done"]

#: claim: (event key) (value to set, now, ttl, lease) -> {state, previous value}
_CLAIM = """
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return {'new', ''}
end
if string.sub(v, 1, 5) == 'done|' then return {'done', v} end
local since = tonumber(string.sub(v, 9)) or 0
if tonumber(ARGV[2]) - since < tonumber(ARGV[4]) then return {'busy', v} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return {'stale', v}
"""
#: days an event's mark is kept: longer than the queue and its dead-letter queue keep messages
EVENT_TTL_SECONDS = 15 * 86400


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming an event: whether to post, and what was recorded before."""

    state: ClaimState
    outcome: str | None = None  # for "done": what became of it
    channel: str | None = None
    ts: str | None = None


@dataclass(frozen=True)
class Burst:
    """The card that failures of one cause share, and the jobs it lists so far."""

    request_id: str
    channel: str
    ts: str
    jobs: list[str]


class EventLedger:
    """Claims events, records what was posted, and tracks bursts. Shared by every process."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        lease_seconds: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._lease = lease_seconds
        self._clock = clock
        self._claim = redis.register_script(_CLAIM)

    def _key(self, event_id: str) -> str:
        return f"{self._prefix}:event:{event_id}"

    def claim(self, event_id: str) -> Claim:
        """Take the event for posting (``new``/``stale``) or say why not (``busy``/``done``)."""
        now = self._clock()
        with redis_errors():
            state, previous = self._claim(
                keys=[self._key(event_id)],
                args=[f"posting|{now:.3f}", f"{now:.3f}", EVENT_TTL_SECONDS, self._lease],
            )
        state, previous = text(state), text(previous)
        if state == "done":
            _, outcome, channel, ts = ([*previous.split("|"), "", "", ""])[:4]
            return Claim("done", outcome or None, channel or None, ts or None)
        return Claim(state)  # type: ignore[arg-type]

    def done(self, event_id: str, outcome: str, channel: str = "", ts: str = "") -> None:
        """Record that the event needs nothing more (its card posted, or none needed)."""
        with redis_errors():
            self._redis.set(
                self._key(event_id), f"done|{outcome}|{channel}|{ts}", ex=EVENT_TTL_SECONDS
            )

    def release(self, event_id: str) -> None:
        """Give the claim back untouched (nothing was posted): the next delivery starts anew."""
        with redis_errors():
            self._redis.delete(self._key(event_id))

    # -- bursts --------------------------------------------------------------------------
    def _burst_key(self, account_id: str, cause: str) -> str:
        return f"{self._prefix}:burst:{account_id}:{cause}"

    @contextmanager
    def cause_lock(self, account_id: str, cause: str) -> Iterator[bool]:
        """Hold the cause's lock while deciding "new card or join the burst" (any process).

        Yields False when another process held it for half a lease more (it is slow, or died
        and its lock has yet to lapse): the caller tries again later. A lock lapses after a
        lease, so a dead process never blocks a cause for long.
        """
        lock = self._redis.lock(
            self._burst_key(account_id, cause) + ":lock",
            timeout=self._lease,
            blocking_timeout=self._lease / 2,
        )
        with redis_errors():
            acquired = bool(lock.acquire())
        try:
            yield acquired
        finally:
            if acquired:
                with redis_errors(), suppress(LockError):  # it lapsed: nothing left to release
                    lock.release()

    def burst(self, account_id: str, cause: str) -> Burst | None:
        """The open burst of this cause, if failures of it came within the window."""
        key = self._burst_key(account_id, cause)
        with redis_errors():
            raw = self._redis.get(key)
            jobs = self._redis.lrange(key + ":jobs", 0, -1) if raw else []
        if not raw:
            return None
        record = json.loads(text(raw))
        return Burst(record["request_id"], record["channel"], record["ts"], [text(j) for j in jobs])

    def open_burst(self, account_id: str, cause: str, burst: Burst, window_seconds: float) -> None:
        """Remember the card just posted as the one this cause's next failures join."""
        key = self._burst_key(account_id, cause)
        record = {"request_id": burst.request_id, "channel": burst.channel, "ts": burst.ts}
        ttl = max(1, int(window_seconds))
        with redis_errors():
            pipe = self._redis.pipeline(transaction=True)
            pipe.set(key, json.dumps(record), ex=ttl)
            pipe.delete(key + ":jobs")
            pipe.rpush(key + ":jobs", *burst.jobs)
            pipe.expire(key + ":jobs", ttl)
            pipe.execute()

    def join_burst(self, account_id: str, cause: str, job_id: str, window_seconds: float) -> int:
        """Add a job to the open burst (once) and extend its window; the number of jobs now."""
        key = self._burst_key(account_id, cause)
        ttl = max(1, int(window_seconds))
        with redis_errors():
            jobs = [text(j) for j in self._redis.lrange(key + ":jobs", 0, -1)]
            pipe = self._redis.pipeline(transaction=True)
            if job_id not in jobs:
                pipe.rpush(key + ":jobs", job_id)
            pipe.expire(key, ttl)
            pipe.expire(key + ":jobs", ttl)
            pipe.llen(key + ":jobs")
            return int(pipe.execute()[-1])
