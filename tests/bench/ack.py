"""Ack latency: signed slash commands over HTTP to ``python -m bot web`` at 1, 10, 50 clients.

The load runs in a separate (spawned) process so the Slack stand-in's threads in this process do
not steal its interpreter lock and inflate the measured latencies.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Any

from tests.bench.env import CHANNEL, BenchEnv, command_text, new_blob
from tests.bench.stats import percentile
from tests.support.slack_requests import command_body, signed_headers

#: a few repeated blobs: the work after each ack is a cached decode plus two Slack posts
BLOBS = 8


@dataclass
class AckResult:
    clients: int
    seconds: float
    latencies: list[float]
    errors: int
    answered: int

    @property
    def sent(self) -> int:
        return len(self.latencies) + self.errors

    def p(self, pct: float) -> float:
        return percentile(self.latencies, pct)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=float("nan"))


def _client(
    port: int, tag: str, texts: list[str], response_url: str, deadline: float, out: dict[str, Any]
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies: list[float] = []
    users: list[str] = []
    errors = 0
    n = 0
    while time.monotonic() < deadline:
        user = f"U{tag}N{n}"
        body = command_body(
            texts[n % len(texts)],
            user_id=user,
            channel_id=CHANNEL,
            response_url=response_url,
            trigger_id=f"t.{user}",
        )
        headers = signed_headers(body)
        started = time.perf_counter()
        try:
            conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status == 200:
                latencies.append(elapsed)
                users.append(user)
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n += 1
    conn.close()
    out[tag] = (latencies, users, errors)


def _load(
    port: int,
    level: int,
    clients: int,
    seconds: float,
    texts: list[str],
    response_url: str,
    queue: Any,
) -> None:
    """Run ``clients`` keep-alive clients for ``seconds``; put (latencies, users, errors).

    User ids (and so trigger ids) include ``level``: a repeated level must not send the trigger
    ids of an earlier one, which the app would drop as duplicate deliveries.
    """
    out: dict[str, Any] = {}
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(port, f"L{level}C{clients}T{i}", texts, response_url, deadline, out),
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [x for lat, _, _ in out.values() for x in lat]
    users = [u for _, us, _ in out.values() for u in us]
    queue.put((latencies, users, sum(e for _, _, e in out.values())))


def run(env: BenchEnv, levels: tuple[int, ...], seconds: float) -> list[AckResult]:
    """One bounded load run per level; waits for the work behind the acks to drain in between."""
    blobs = [new_blob() for _ in range(BLOBS)]
    for blob in blobs:
        env.register(blob)
    texts = [command_text(blob) for blob in blobs]
    ctx = multiprocessing.get_context("spawn")
    results: list[AckResult] = []
    for level, clients in enumerate(levels):
        env.slack.forget()
        queue = ctx.Queue()
        url = env.slack.response_url("ack")
        args = (env.web_port, level, clients, seconds, texts, url, queue)
        proc = ctx.Process(target=_load, args=args)
        proc.start()
        latencies, users, errors = queue.get(timeout=seconds + 120)
        proc.join(timeout=30)
        # the work behind the acks (decode + 2 posts each) must finish before the next level
        answered = env.slack.wait_answers(set(users), timeout=max(60.0, len(users) / 20))
        results.append(AckResult(clients, seconds, latencies, errors, answered))
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.bench.ack [--clients N] [--runs R] [--duration S]``: one level, R times.

    For repeating a level whose result is near its target (the full run measures each level
    once); same setup as ``python -m tests.bench`` (web + worker, AWS stand-in latency 100 ms).
    """
    import argparse

    from tests.bench.env import AWS_LATENCY
    from tests.bench.stats import ms

    parser = argparse.ArgumentParser(prog="python -m tests.bench.ack")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20.0)
    args = parser.parse_args(argv)
    with BenchEnv() as env:
        env.start_web()
        env.start_worker()
        assert env.aws is not None
        env.aws.admin.set_latency(AWS_LATENCY)
        for i, r in enumerate(run(env, (args.clients,) * args.runs, args.duration), 1):
            print(
                f"run {i}: ack, {r.clients} client(s), {r.seconds:g} s: n={r.sent} "
                f"p50 {ms(r.p(50))} p99 {ms(r.p(99))} max {ms(r.worst)} errors {r.errors}; "
                f"cards {r.answered}/{len(r.latencies)}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    # run from the imported module: the spawned load process must find ``_load`` by that name
    from tests.bench.ack import main as _main

    raise SystemExit(_main())
