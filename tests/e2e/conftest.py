"""Fixtures of the end-to-end suite: the Procfile's processes against real local stand-ins.

Per session: moto (server mode) and the AWS stand-in, as subprocesses, with the account's roles.
Per module: a Slack Web API stand-in, an accounts file, and ``python -m bot web`` plus
``python -m bot worker`` on their own Redis prefix. Per test: its own Slack channel.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.config import Settings
from bot.redis_connect import connect
from bot.state import RequestStore
from tests.e2e import world
from tests.e2e.processes import BotProcess, start_web, start_worker
from tests.e2e.slack import SlackDriver
from tests.support.aws_standin import StandinProcess, start_standin_process
from tests.support.moto_server import MotoProcess, free_port, start_moto_process
from tests.support.slack_requests import SIGNING_SECRET
from tests.support.slack_standin import SlackStandin

BOT_TOKEN = "xoxb-test"
REQUESTER = "UALICE"
APPROVER = "UBOB"
BYSTANDER = "UCAROL"
ROOT = Path(__file__).resolve().parents[2]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@dataclass
class Aws:
    """The session's moto and AWS stand-in, and an IAM client acting in the account."""

    moto: MotoProcess
    standin: StandinProcess
    iam: Any

    def endpoint_env(self) -> dict[str, str]:
        return self.standin.endpoint_env()


@pytest.fixture(scope="session")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aws]:
    logs = tmp_path_factory.mktemp("aws")
    moto = start_moto_process(log_path=logs / "moto.log")
    standin = start_standin_process(moto.url, log_path=logs / "standin.log")
    try:
        iam = world.account_iam(moto.url)
        world.create_account_roles(iam)
        yield Aws(moto, standin, iam)
    finally:
        standin.stop()
        moto.stop()


@dataclass
class Bot:
    """One module's running bot: its processes, its Slack stand-in and its Redis state."""

    env: dict[str, str]
    port: int
    logs: Path
    slack: SlackStandin
    redis: redis.Redis
    prefix: str
    web: BotProcess
    worker: BotProcess
    aws: Aws
    _starts: dict[str, int] = field(default_factory=dict)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def store(self) -> RequestStore:
        return RequestStore(
            self.redis, self.prefix, ttl_seconds=3600, approval_timeout_seconds=3600
        )

    def log_path(self, mode: str) -> Path:
        self._starts[mode] = self._starts.get(mode, 0) + 1
        return self.logs / f"{mode}-{self._starts[mode]}.log"

    def restart_web(self) -> None:
        self.web.kill()
        self.web = start_web(self.env, self.port, self.log_path("web"), self.logs)

    def restart_worker(self, *, kill: bool = True) -> None:
        if kill:
            self.worker.kill()
        self.worker = start_worker(self.env, self.log_path("worker"), self.logs)

    def all_logs(self) -> str:
        parts = [f"===== {p.name} =====\n{p.read_text(errors='replace')}" for p in self._paths()]
        return "\n".join(parts)

    def _paths(self) -> list[Path]:
        return sorted(self.logs.glob("*.log"))


def bot_env(
    aws: Aws, slack: SlackStandin, redis_url: str, prefix: str, logs: Path
) -> dict[str, str]:
    """The processes' environment: nothing inherited that could reach real Slack or AWS."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SLACK_", "REDIS_"))}
    config = logs / "backup-doctor.yaml"
    config.write_text(world.accounts_yaml([APPROVER]), encoding="utf-8")
    metrics = logs / "prometheus"
    metrics.mkdir(exist_ok=True)
    return {
        **base,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
        "CONFIG_FILE": str(config),
        "DATA_DIR": str(logs / "data"),
        "AWS_ACCESS_KEY_ID": world.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": world.SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": world.REGION,
        "AWS_CONFIG_FILE": str(logs / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(logs / "no-aws-credentials"),
        **aws.endpoint_env(),
        "WORKER_METRICS_PORT": str(free_port()),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


def start_bot(aws: Aws, redis_url: str, logs: Path, extra_env: dict[str, str] | None = None) -> Bot:
    """A Slack stand-in and the two Procfile processes on a fresh Redis prefix."""
    slack = SlackStandin().start()
    for user in (REQUESTER, APPROVER, BYSTANDER):
        slack.add_user(user, real_name=user.title())
    prefix = f"bde2e-{uuid.uuid4().hex[:10]}"
    env = {**bot_env(aws, slack, redis_url, prefix, logs), **(extra_env or {})}
    port = free_port()
    web = start_web(env, port, logs / "web-1.log", logs)
    worker = start_worker(env, logs / "worker-1.log", logs)
    # every Redis form the bot takes (a Sentinel URL too), built as the bot builds it
    client = connect(redis_url, Settings(_env_file=None))  # type: ignore[call-arg]
    bot = Bot(env, port, logs, slack, client, prefix, web, worker, aws, {"web": 1, "worker": 1})
    return bot


def stop_bot(bot: Bot) -> None:
    bot.web.stop()
    bot.worker.stop()
    bot.slack.stop()
    keys = list(bot.redis.scan_iter(match=f"*{bot.prefix}*", count=500))
    if keys:
        bot.redis.delete(*keys)
    bot.redis.close()


@pytest.fixture(scope="module")
def bot(aws: Aws, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    running = start_bot(aws, redis_url, tmp_path_factory.mktemp("bot"))
    yield running
    stop_bot(running)


@pytest.fixture
def slack(bot: Bot) -> SlackDriver:
    """This test's own channel on the module's bot."""
    return SlackDriver(bot.events_url, bot.slack)


@pytest.fixture(autouse=True)
def _print_logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """When a test that ran the bot fails, print the processes' logs and the Slack calls."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed or "bot" not in request.fixturenames:
        return
    running: Bot = request.getfixturevalue("bot")
    print(running.all_logs())
    for call in running.slack.calls:
        print("SLACK", call.method, json.dumps(call.args)[:2000])
