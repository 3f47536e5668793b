"""``python -m bot``: friendly when not configured, and processes that start and stop cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.handlers.conftest import CONFIG

CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("SLACK_", "REDIS_", "CONFIG_FILE", "AWS_"))
}


def run_bot(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**CLEAN_ENV, "PYTHONPATH": os.getcwd(), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_slack_credentials_it_says_what_to_set(tmp_path: Path) -> None:
    result = run_bot([], tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "deploy/slack/manifest.yml" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_config_problems_are_listed_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "backup-doctor.yaml").write_text("accounts:\n  - id: 12\n    name: x\n")
    result = run_bot(["web"], tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    assert result.returncode == 2
    assert "cannot start" in result.stderr
    assert "read_role_arn is required" in result.stderr
    assert "12 digits" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_mode_prints_usage(tmp_path: Path) -> None:
    result = run_bot(["frobnicate"], tmp_path)
    assert result.returncode == 2
    assert "usage: python -m bot" in result.stderr


def start_worker(
    tmp_path: Path, redis_url: str, redis_prefix: str
) -> tuple[subprocess.Popen[bytes], Path]:
    (tmp_path / "backup-doctor.yaml").write_text(CONFIG)
    env = {
        **CLEAN_ENV,
        "PYTHONPATH": os.getcwd(),
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": redis_prefix,
        "WORKER_METRICS_PORT": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return worker, log


def wait_for_line(worker: subprocess.Popen[bytes], log: Path, text: str) -> None:
    deadline = time.monotonic() + 60
    while text not in log.read_text():
        assert worker.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.005)


#: log lines that mark each step of the worker's start: its own set-up, rq's registration, rq's
#: scheduler process being forked, and the idle loop
START_STEPS = [
    "worker metrics on",
    "worker ready",
    "Listening on",
    "Acquired scheduler lock",
    "cleaning registries",
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("when", START_STEPS)
def test_the_worker_stops_cleanly_on_sigterm_at_any_step_of_its_start(
    tmp_path: Path, redis_url: str, redis_prefix: str, when: str
) -> None:
    # a signal that lands mid-step once hung the worker (a lost SystemExit, a scheduler process
    # left running) or broke its deregistration (a stale Redis reply): each step, a few offsets
    for attempt, delay in enumerate((0.0, 0.004, 0.012)):
        run_dir = tmp_path / str(attempt)
        run_dir.mkdir()
        worker, log = start_worker(run_dir, redis_url, f"{redis_prefix}-{attempt}")
        wait_for_line(worker, log, when)
        time.sleep(delay)
        worker.send_signal(signal.SIGTERM)
        try:
            status = worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            pytest.fail(f"still running 30 s after SIGTERM:\n{log.read_text()}")
        assert status == 0, log.read_text()
        assert "Traceback" not in log.read_text()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(120)
def test_make_run_starts_embedded_redis_a_worker_and_http_then_stops_cleanly(
    tmp_path: Path,
) -> None:
    import json

    import requests

    from tests.support.slack_standin import SlackStandin

    slack = SlackStandin().start()
    (tmp_path / "backup-doctor.yaml").write_text(CONFIG)
    port = _free_port()
    env = {
        **CLEAN_ENV,
        "PYTHONPATH": os.getcwd(),
        "SLACK_BOT_TOKEN": "xoxb-run",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack.url,
        "PORT": str(port),
        "WORKER_METRICS_PORT": "0",
    }
    log = tmp_path / "run.log"
    try:
        with log.open("w") as out:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdout=out, stderr=out
            )
            deadline = time.monotonic() + 60
            ready = False
            while not ready and time.monotonic() < deadline:
                assert bot.poll() is None, log.read_text()
                try:
                    ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok
                except requests.ConnectionError:
                    time.sleep(0.2)
            assert ready, log.read_text()
            while "worker ready" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=60) == 0, log.read_text()
    finally:
        slack.stop()
    first = json.loads(log.read_text().splitlines()[0])
    assert "embedded Valkey server" in first["message"]
    assert (tmp_path / ".data" / "redis" / "appendonlydir").is_dir()
    assert "worker ready" in log.read_text()
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("mode", ["worker", "events", "web"])
def test_a_serverless_elasticache_is_refused_at_start_saying_what_to_use(
    tmp_path: Path, mode: str
) -> None:
    (tmp_path / "backup-doctor.yaml").write_text(CONFIG)
    url = "rediss://bd-abc123.serverless.use1.cache.amazonaws.com:6379/0"
    result = run_bot(
        [mode], tmp_path, REDIS_URL=url, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s"
    )

    assert result.returncode == 2
    assert "cluster mode" in result.stderr
    assert "cluster mode disabled" in result.stderr  # what to use instead
    assert "Traceback" not in result.stderr + result.stdout


def test_a_cluster_mode_redis_is_refused_at_start(tmp_path: Path) -> None:
    from tests.support.redis_servers import REDIS_SERVER, running, start_redis

    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"{REDIS_SERVER} is missing")
    (tmp_path / "backup-doctor.yaml").write_text(CONFIG)
    cluster = start_redis(
        tmp_path / "cluster", ["cluster-enabled yes", 'cluster-config-file "nodes.conf"']
    )
    with running(cluster):
        result = run_bot(["worker"], tmp_path, REDIS_URL=f"redis://127.0.0.1:{cluster.port}/0")

    assert result.returncode == 2
    assert "cluster mode" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
