"""Worker throughput and latency: approved fix enqueued -> request SUCCEEDED, 1 and 4 workers.

Each fix is a RESTORE_WITHOUT_IAM_ROLE (no IAM change, so no IAM settle pause): a failed EC2
restore with an instance profile is seeded in the AWS stand-in (with its PassRole denial blob),
diagnosed with the same read side the web builds, its fix requested with ``plan_fix`` and approved
through ``ApprovalPolicy`` (the approver is a member of the Slack stand-in's workspace), all in
Redis as the web would leave it. Then the whole batch is enqueued at once with
``bot.worker.tasks.enqueue_fix`` and Redis is polled until every request is SUCCEEDED (or FAILED).

Real ``python -m bot worker`` processes take the jobs: each re-checks the approval (Slack
``users.info``), assumes the fix role, starts the re-run, posts progress, and follows the restore
with ``bot.fixes.follow``: the first poll comes right after the start, the next after
``FIRST_DELAY`` (5 s). Restores here stay RUNNING for ``RUNNING_SECONDS``, so a fix is done at the
second poll: ``FIRST_DELAY`` is part of every measured latency.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import boto3
import redis
from slack_sdk import WebClient

from bot.approvals import ApprovalPolicy
from bot.config import load_bot_config
from bot.fixes import INSTANCE_PROFILE_KEY, PlanInputs, plan_fix
from bot.fixes.follow import FIRST_DELAY
from bot.slack_directory import SlackUserDirectory
from bot.state import Request, RequestStore, approve, request_fix
from bot.wiring import build_read_side
from bot.worker import queues
from bot.worker import tasks as jobs
from tests.bench.env import ACCOUNTS, CHANNEL, REGIONS, BenchEnv, new_blob
from tests.bench.stats import percentile
from tests.support.aws_standin_backup import BACKUP_NOT_AUTHORIZED
from tests.support.aws_standin_sts import passrole_denial

APPROVER = "UAPPROVER"  # the accounts' approver in env.BenchEnv's config
ASKER = "UBENCHASKER"
ACCOUNT, REGION = ACCOUNTS[0], REGIONS[0]
RESTORE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
#: how long a re-run restore stays RUNNING in the stand-in (PENDING: 0 s)
RUNNING_SECONDS = 0.05
REMEDY = "RESTORE_WITHOUT_IAM_ROLE"
FINAL = ("SUCCEEDED", "FAILED")


@dataclass
class WorkerResult:
    workers: int
    fixes: int
    wall: float = 0.0
    #: enqueue_fix -> SUCCEEDED seen in Redis (queue wait + run), seconds
    latencies: list[float] = field(default_factory=list)
    #: QUEUED -> RUNNING -> SUCCEEDED from the audit stream's transition times, seconds
    runs: list[float] = field(default_factory=list)
    failed: int = 0
    unfinished: int = 0

    @property
    def per_minute(self) -> float:
        return 60 * len(self.latencies) / self.wall if self.wall else float("nan")

    def p(self, pct: float) -> float:
        return percentile(self.latencies, pct)

    def run_p(self, pct: float) -> float:
        return percentile(self.runs, pct)


def _seed_failure(env: BenchEnv) -> str:
    """A failed EC2 restore (PassRole denied) in ACCOUNT/REGION; returns its job id."""
    assert env.aws is not None
    suffix = uuid.uuid4().hex[:10]
    passed = f"arn:aws:iam::{ACCOUNT}:role/AppRole-{suffix}"
    decoded = passrole_denial(ACCOUNT, REGION, RESTORE_ROLE_ARN, "AROABENCH" + suffix, passed)
    blob = new_blob()
    env.aws.admin.register_blob(blob, decoded, account=ACCOUNT)
    return env.aws.admin.seed_restore_job(
        f"arn:aws:ec2:{REGION}::image/ami-{suffix}0000000",
        status="FAILED",
        status_message=f"{BACKUP_NOT_AUTHORIZED} Encoded authorization failure message: {blob}",
        account=ACCOUNT,
        region=REGION,
        iam_role_arn=RESTORE_ROLE_ARN,
        resource_type="EC2",
        metadata={
            INSTANCE_PROFILE_KEY: f"AppProfile-{suffix}",
            "InstanceType": "t3.micro",
            "SubnetId": "subnet-0bench000000000001",
        },
    )


def _approved(env: BenchEnv, count: int) -> list[Request]:
    """``count`` requests as the web leaves them after the approver's click: APPROVED."""
    config = load_bot_config(env.config_file)
    client = redis.Redis.from_url(env.redis_url)
    read = build_read_side(config, client, f"{env.prefix}-worker-bench")
    store = RequestStore.from_config(client, env.prefix, config)
    # the click-time check, as the web makes it: users.info at the Slack stand-in
    directory = SlackUserDirectory(WebClient(token="xoxb-bench", base_url=env.slack.url))
    policy = ApprovalPolicy(config.accounts, directory)
    iam = boto3.client("iam")  # RESTORE_WITHOUT_IAM_ROLE plans without reading IAM
    out: list[Request] = []
    try:
        for i in range(count):
            job_id = _seed_failure(env)
            diagnosis = read.pipeline.diagnose_text(job_id, CHANNEL, ACCOUNT, REGION)
            remedy = next(r for r in diagnosis.remedies if r.fix == REMEDY and r.automatic)
            thread = f"1700000000.{i:06d}"
            request = store.create(diagnosis, CHANNEL, thread, ASKER, ACCOUNT, REGION)
            plan = plan_fix(PlanInputs(diagnosis, request.id, iam, remedy=remedy, simulate=False))
            request_fix(store, request.id, ASKER, plan, remedy.id)
            out.append(approve(store, policy.check, request.id, APPROVER))
    finally:
        read.jobs.close()
        client.close()
    return out


def _run_once(env: BenchEnv, workers: int, count: int) -> WorkerResult:
    requests_ = _approved(env, count)
    client = redis.Redis.from_url(env.redis_url)
    config = load_bot_config(env.config_file)
    store = RequestStore.from_config(client, env.prefix, config)
    queue = queues.fix_queue(client, env.prefix)  # as the web enqueues (JSON jobs)
    out = WorkerResult(workers, count)
    enqueued: dict[str, float] = {}
    started = time.monotonic()
    for request in requests_:
        enqueued[request.id] = time.monotonic()
        jobs.enqueue_fix(store, queue, request, APPROVER)
    # every fix takes at least FIRST_DELAY; allow 3x that per fix per worker, plus a minute
    deadline = started + count * 3 * (FIRST_DELAY + 1) / workers + 60
    waiting = set(enqueued)
    try:
        while waiting and time.monotonic() < deadline:
            ids = sorted(waiting)
            pipe = client.pipeline(transaction=False)
            for request_id in ids:
                pipe.hget(store.key(request_id), "state")
            now = time.monotonic()
            for request_id, raw in zip(ids, pipe.execute(), strict=True):
                state = raw.decode() if isinstance(raw, bytes) else raw
                if state == "SUCCEEDED":
                    out.latencies.append(now - enqueued[request_id])
                elif state == "FAILED":
                    out.failed += 1
                if state in FINAL:
                    waiting.discard(request_id)
            time.sleep(0.02)
        out.wall = time.monotonic() - started
        out.unfinished = len(waiting)
        for request_id in enqueued:
            out.runs += _run_seconds(store, request_id)
    finally:
        client.close()
    return out


def _run_seconds(store: RequestStore, request_id: str) -> list[float]:
    """RUNNING -> SUCCEEDED of one request, from its audit events (empty if it did not finish)."""
    at = {e["to"]: datetime.fromisoformat(e["at"]) for e in store.audit_events(request_id)}
    if "RUNNING" not in at or "SUCCEEDED" not in at:
        return []
    return [(at["SUCCEEDED"] - at["RUNNING"]).total_seconds()]


def run(env: BenchEnv, running: int, levels: tuple[int, ...], fixes: int) -> list[WorkerResult]:
    """For each worker count in ``levels`` (ascending), ``fixes`` fixes enqueued at once.

    ``running`` workers are already up; more are started as needed (``BenchEnv.close`` stops
    them).
    """
    assert env.aws is not None
    env.slack.add_user(APPROVER, real_name="Bench Approver")
    env.aws.admin.set_restore_timing(0, RUNNING_SECONDS)
    results: list[WorkerResult] = []
    for workers in levels:
        while running < workers:
            env.start_worker()
            running += 1
        results.append(_run_once(env, workers, fixes))
    return results
