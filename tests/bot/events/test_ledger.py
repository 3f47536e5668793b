"""The event ledger against the real Redis: one claim wins, a dead claim is taken over."""

from __future__ import annotations

import threading

import redis

from bot.events.ledger import Burst, EventLedger


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_first_claim_is_new_and_the_next_is_busy(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    ledger = EventLedger(redis_client, redis_prefix)
    assert ledger.claim("e1").state == "new"
    assert ledger.claim("e1").state == "busy"


def test_only_one_of_many_concurrent_claims_wins(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    ledger = EventLedger(redis_client, redis_prefix)
    states: list[str] = []
    threads = [
        threading.Thread(target=lambda: states.append(ledger.claim("e1").state)) for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(states) == ["busy"] * 15 + ["new"]


def test_done_is_remembered_with_where_the_card_is(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    ledger = EventLedger(redis_client, redis_prefix)
    ledger.claim("e1")
    ledger.done("e1", "posted", "C1", "1700000001.000100")
    claim = ledger.claim("e1")
    assert (claim.state, claim.outcome, claim.channel, claim.ts) == (
        "done",
        "posted",
        "C1",
        "1700000001.000100",
    )


def test_a_claim_older_than_the_lease_is_taken_over_as_stale(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    clock = Clock()
    ledger = EventLedger(redis_client, redis_prefix, lease_seconds=120, clock=clock)
    ledger.claim("e1")
    clock.now += 119
    assert ledger.claim("e1").state == "busy"
    clock.now += 2
    assert ledger.claim("e1").state == "stale"
    assert ledger.claim("e1").state == "busy"  # the takeover holds a fresh lease


def test_a_released_claim_starts_anew(redis_client: redis.Redis, redis_prefix: str) -> None:
    ledger = EventLedger(redis_client, redis_prefix)
    ledger.claim("e1")
    ledger.release("e1")
    assert ledger.claim("e1").state == "new"


def test_a_burst_collects_each_job_once_and_expires_with_its_window(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    ledger = EventLedger(redis_client, redis_prefix)
    assert ledger.burst("111122223333", "cause") is None
    ledger.open_burst("111122223333", "cause", Burst("r1", "C1", "1.1", ["j1"]), 600)
    assert ledger.join_burst("111122223333", "cause", "j2", 600) == 2
    assert ledger.join_burst("111122223333", "cause", "j2", 600) == 2
    burst = ledger.burst("111122223333", "cause")
    assert burst == Burst("r1", "C1", "1.1", ["j1", "j2"])
    assert ledger.burst("111122223333", "other") is None
    key = f"{redis_prefix}:burst:111122223333:cause"
    assert 0 < redis_client.ttl(key) <= 600
    assert 0 < redis_client.ttl(key + ":jobs") <= 600


def test_a_cause_lock_is_exclusive_and_lapses_after_a_lease(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    ledger = EventLedger(redis_client, redis_prefix, lease_seconds=1.0)
    with ledger.cause_lock("111122223333", "cause") as first:
        assert first
        with ledger.cause_lock("111122223333", "cause") as second:
            assert not second  # waited half a lease, then gave up
    with ledger.cause_lock("111122223333", "cause") as again:
        assert again
    # a holder that died: its lock lapses after the lease
    redis_client.set(f"{redis_prefix}:burst:111122223333:cause:lock", "dead", px=300)
    with ledger.cause_lock("111122223333", "cause") as taken_over:
        assert taken_over
