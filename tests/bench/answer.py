"""Time to answer: command in -> card posted in its thread, fresh blob (decode cache miss)."""

from __future__ import annotations

import time

import requests

from tests.bench.env import CHANNEL, BenchEnv, command_text, new_blob
from tests.support.slack_requests import command_body, signed_headers


def ask(env: BenchEnv, http: requests.Session, user: str, blob: str) -> float:
    """Send one command with ``blob``; return seconds until its card arrived (nan: never)."""
    body = command_body(
        command_text(blob),
        user_id=user,
        channel_id=CHANNEL,
        response_url=env.slack.response_url(user),
        trigger_id=f"t.{user}",
    )
    started = time.monotonic()
    response = http.post(env.events_url, data=body.encode(), headers=signed_headers(body))
    response.raise_for_status()
    if env.slack.wait_answers({user}, timeout=15) != 1:
        return float("nan")
    return env.slack.answered[user] - started


def run(env: BenchEnv, count: int) -> list[float]:
    """``count`` sequential commands, each with a new blob, in an account already assumed."""
    http = requests.Session()
    env.slack.forget()
    warm = new_blob()
    env.register(warm)
    ask(env, http, "UWARMUP", warm)  # AssumeRole + client creation happen here, not below
    times: list[float] = []
    for i in range(count):
        blob = new_blob()
        env.register(blob)
        times.append(ask(env, http, f"UANSWER{i}", blob))
    http.close()
    return times
