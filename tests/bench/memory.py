"""RSS (VmRSS from /proc) of each gunicorn worker and the rq worker, idle and after many decodes.

The web runs ``WEB_CONCURRENCY`` (2) gunicorn worker processes; the kernel spreads connections
between them, so each is measured (the table shows the largest and each one).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from tests.bench.env import CHANNEL, BenchEnv, command_text, new_blob, rss_kib
from tests.support.slack_requests import command_body, signed_headers

REPEATED = 50
CLIENTS = 8


@dataclass
class MemoryResult:
    decodes: int
    #: per phase, RSS of each gunicorn worker (pid order)
    web_kib: dict[str, list[int]] = field(default_factory=dict)
    worker_kib: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    seconds: float = 0.0
    web_pids: list[int] = field(default_factory=list)

    def web_max(self, phase: str) -> int:
        """The largest gunicorn worker's RSS in ``phase``, KiB."""
        return max(self.web_kib[phase])


def idle(env: BenchEnv, worker_pid: int, decodes: int) -> MemoryResult:
    """RSS of both processes before any traffic."""
    out = MemoryResult(decodes)
    out.web_pids = env.web_worker_pids()
    out.web_kib["idle"] = [rss_kib(pid) for pid in out.web_pids]
    out.worker_kib["idle"] = rss_kib(worker_pid)
    return out


def run(env: BenchEnv, worker_pid: int, out: MemoryResult) -> MemoryResult:
    """``out.decodes`` commands through the web process, half with new blobs, half repeated."""
    pids = env.web_worker_pids()
    if pids != out.web_pids:  # a worker was replaced (crash, timeout): its growth is lost
        raise RuntimeError(f"gunicorn workers changed during the run: {out.web_pids} -> {pids}")
    decodes = out.decodes
    repeated = [new_blob() for _ in range(REPEATED)]
    fresh = [new_blob() for _ in range(decodes // 2)]
    for blob in repeated + fresh:
        env.register(blob)
    picks = [fresh[i // 2] if i % 2 == 0 else repeated[i % REPEATED] for i in range(decodes)]
    texts = [command_text(blob) for blob in picks]
    env.slack.forget()
    users = {f"UMEM{i}" for i in range(decodes)}
    half = decodes // 2
    started = time.monotonic()
    _send(env, texts[:half], 0)
    env.slack.wait_answers({f"UMEM{i}" for i in range(half)}, timeout=300)
    out.web_kib[f"after {half}"] = [rss_kib(pid) for pid in pids]
    _send(env, texts[half:], half)
    out.answered = env.slack.wait_answers(users, timeout=300)
    out.seconds = time.monotonic() - started
    time.sleep(1.0)
    out.web_kib[f"after {decodes}"] = [rss_kib(pid) for pid in pids]
    out.worker_kib[f"after {decodes}"] = rss_kib(worker_pid)
    return out


def _send(env: BenchEnv, texts: list[str], offset: int) -> None:
    def client(k: int) -> None:
        http = requests.Session()
        for i in range(k, len(texts), CLIENTS):
            user = f"UMEM{offset + i}"
            body = command_body(
                texts[i],
                user_id=user,
                channel_id=CHANNEL,
                response_url=env.slack.response_url(),
                trigger_id=f"t.{user}",
            )
            http.post(env.events_url, data=body.encode(), headers=signed_headers(body), timeout=10)
            # pace the senders so the backlog behind the acks stays small
            while len(env.slack.answered) < offset + i - 200:
                time.sleep(0.01)
        http.close()

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
