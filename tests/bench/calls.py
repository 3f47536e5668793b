"""AWS calls per decode and per job lookup, counted by the AWS stand-in (in this process).

Uses ``bot.wiring.build_read_side`` exactly as the web process builds it, against the stand-in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis

from bot.config import load_bot_config
from bot.models import JobRef
from bot.wiring import build_read_side
from tests.bench.env import ACCOUNTS, REGIONS, BenchEnv, new_blob

DECODE = "sts:DecodeAuthorizationMessage"
ASSUME = "sts:AssumeRole"


@dataclass
class CallCounts:
    first_decode: dict[str, int] = field(default_factory=dict)
    new_blob_warm: dict[str, int] = field(default_factory=dict)
    repeated_blob: dict[str, int] = field(default_factory=dict)
    three_accounts_twice: dict[str, int] = field(default_factory=dict)
    job_lookup: dict[str, int] = field(default_factory=dict)
    job_lookup_wall: list[float] = field(default_factory=list)
    latency: float = 0.0


def _delta(env: BenchEnv) -> dict[str, int]:
    assert env.aws is not None
    calls = env.aws.admin.calls()
    env.aws.admin.reset_calls()
    return {k: v for k, v in sorted(calls.items()) if v}


def run(env: BenchEnv, latency: float, lookups: int = 5) -> CallCounts:
    """Count calls for each steady-state case; job lookups timed with ``latency`` per call."""
    assert env.aws is not None
    admin = env.aws.admin
    config = load_bot_config(env.config_file)
    client = redis.Redis.from_url(env.redis_url)
    read = build_read_side(config, client, f"{env.prefix}-calls")
    out = CallCounts(latency=latency)
    admin.set_latency(latency)
    try:
        blobs = {a: [new_blob() for _ in range(4)] for a in ACCOUNTS}
        for account, items in blobs.items():
            for blob in items:
                env.register(blob, account)
        _delta(env)
        first = ACCOUNTS[0]
        read.decoder.decode(blobs[first][0], [first])
        out.first_decode = _delta(env)
        read.decoder.decode(blobs[first][1], [first])
        out.new_blob_warm = _delta(env)
        read.decoder.decode(blobs[first][0], [first])
        out.repeated_blob = _delta(env)
        for round_ in (2, 3):  # two new blobs per account: AssumeRole only in the first round
            for account in ACCOUNTS:
                read.decoder.decode(blobs[account][round_], [account])
        out.three_accounts_twice = _delta(env)
        # a backup job that only the last account's last region knows: all 6 places are asked
        job_ids = [
            admin.seed_backup_job(
                {"State": "FAILED", "AccountId": ACCOUNTS[-1]},
                account=ACCOUNTS[-1],
                region=REGIONS[-1],
            )
            for _ in range(lookups + 1)
        ]
        read.jobs.find(JobRef(job_id=job_ids[0], job_type="backup"))  # sessions + clients warm
        _delta(env)
        for job_id in job_ids[1:]:
            started = time.monotonic()
            read.jobs.find(JobRef(job_id=job_id, job_type="backup"))
            out.job_lookup_wall.append(time.monotonic() - started)
        total = _delta(env)
        out.job_lookup = {k: v // lookups for k, v in total.items()}
    finally:
        admin.set_latency(0)
        read.jobs.close()
        client.close()
    return out
