"""Several workers on one host: each starts, serves its own metrics on its own port, and the pool
(``python -m bot worker --count N``, or honcho's ``-c worker=N``) keeps them running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.bot.test_main import CLEAN_ENV
from tests.handlers.conftest import CONFIG

ROOT = Path(__file__).resolve().parents[3]
PORT_LINE = re.compile(r"worker metrics on :(\d+)/metrics")

pytestmark = pytest.mark.timeout(180)


def _free_base() -> int:
    """A port with a few free ones after it (the metrics ports start there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path, redis_url: str, redis_prefix: str) -> dict[str, str]:
    (tmp_path / "backup-doctor.yaml").write_text(CONFIG)
    return {
        **CLEAN_ENV,
        "PYTHONPATH": str(ROOT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": redis_prefix,
        "CONFIG_FILE": str(tmp_path / "backup-doctor.yaml"),
        "WORKER_METRICS_PORT": str(_free_base()),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "SWEEP_SECONDS": "3600",
    }


class Running:
    """A started command and its log."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.process = subprocess.Popen(
            args, cwd=log.parent, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, count: int = 1, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while self.log().count(text) < count:
            assert self.process.poll() is None, self.log()
            assert time.monotonic() < deadline, f"waiting for {count} x {text!r}:\n{self.log()}"
            time.sleep(0.1)

    def ports(self) -> list[int]:
        return [int(p) for p in PORT_LINE.findall(self.log())]

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


@pytest.fixture
def started() -> Iterator[list[Running]]:
    running: list[Running] = []
    yield running
    for each in running:
        if each.process.poll() is None:
            os.killpg(each.process.pid, signal.SIGKILL)


def _all_answer(ports: list[int]) -> bool:
    return all(requests.get(f"http://127.0.0.1:{p}/metrics", timeout=2).ok for p in ports)


def test_two_workers_on_one_host_both_start_and_serve_metrics(
    env: dict[str, str], tmp_path: Path, started: list[Running]
) -> None:
    for name in ("a", "b"):
        started.append(
            Running([sys.executable, "-m", "bot", "worker"], env, tmp_path / f"{name}.log")
        )
    for worker in started:
        worker.wait_for("worker ready")

    ports = [p for w in started for p in w.ports()]
    assert len(set(ports)) == 2
    assert str(env["WORKER_METRICS_PORT"]) in {str(p) for p in ports}
    assert any("was taken: the next free port" in w.log() for w in started)
    assert _all_answer(ports)
    for worker in started:
        assert worker.stop() == 0
        assert "Traceback" not in worker.log()


def test_a_pool_runs_n_workers_and_starts_a_dead_one_again(
    env: dict[str, str], tmp_path: Path, started: list[Running]
) -> None:
    pool = Running(
        [sys.executable, "-m", "bot", "worker", "--count", "3"], env, tmp_path / "pool.log"
    )
    started.append(pool)
    pool.wait_for("worker ready", count=3)
    ports = pool.ports()
    assert len(set(ports)) == 3
    assert _all_answer(ports)
    own_dirs = [d.name for d in (tmp_path / "metrics").iterdir() if d.name.startswith("worker-")]
    assert len(own_dirs) >= 3  # each worker its own metrics directory

    victim = int(re.findall(r"worker 2 started \(pid (\d+)\)", pool.log())[0])
    os.kill(victim, signal.SIGKILL)
    pool.wait_for("exited with")
    pool.wait_for("worker ready", count=4)

    assert pool.stop() == 0
    assert "worker pool: stopped" in pool.log()


def test_honcho_runs_four_workers_from_the_procfile(
    env: dict[str, str], tmp_path: Path, started: list[Running]
) -> None:
    honcho = str(Path(sys.executable).with_name("honcho"))
    args = [
        honcho,
        "-f",
        str(ROOT / "Procfile"),
        "-d",
        str(tmp_path),
        "start",
        "-c",
        "worker=4",
        "worker",
    ]
    runner = Running(args, env, tmp_path / "honcho.log")
    started.append(runner)
    runner.wait_for("worker ready", count=4)

    ports = runner.ports()
    assert len(set(ports)) == 4
    assert _all_answer(ports)
    runner.stop()
    assert "Address already in use" not in runner.log()
    assert "Traceback" not in runner.log()


def test_usage_for_a_count_that_is_no_number(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "worker", "--count", "many"],
        cwd=tmp_path,
        env={**CLEAN_ENV, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--count N" in result.stderr
