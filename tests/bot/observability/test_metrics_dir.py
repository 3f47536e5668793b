"""Each process's own metrics directory: fresh at start, and the gone processes' ones removed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.observability.metrics_dir import MULTIPROC_ENV, ROOT_ENV, own_multiprocess_dir


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path / "metrics"))
    monkeypatch.delenv(ROOT_ENV, raising=False)
    return tmp_path / "metrics"


def _gone_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_a_process_gets_its_own_empty_directory(root: Path) -> None:
    (root / f"worker-{os.getpid()}").mkdir(parents=True)
    (root / f"worker-{os.getpid()}" / "counter_1.db").write_bytes(b"old")  # a reused pid

    own = own_multiprocess_dir("worker")

    assert own == root / f"worker-{os.getpid()}"
    assert list(own.iterdir()) == []
    assert os.environ[MULTIPROC_ENV] == str(own)
    assert os.environ[ROOT_ENV] == str(root)


def test_the_directories_of_gone_processes_go_and_live_ones_stay(root: Path) -> None:
    gone, alive = root / f"worker-{_gone_pid()}", root / f"worker-{os.getppid()}"
    for directory in (gone, alive):
        directory.mkdir(parents=True)
        (directory / "counter_9.db").write_bytes(b"x")

    own_multiprocess_dir("events")

    assert not gone.exists()
    assert (alive / "counter_9.db").exists()


def test_a_child_started_by_a_process_takes_its_own_under_the_same_root(root: Path) -> None:
    parent = own_multiprocess_dir("auto", pid=1_000_001)
    child = own_multiprocess_dir("worker", pid=1_000_002)

    assert parent is not None
    assert child == root / "worker-1000002"  # not nested under the parent's


def test_nothing_changes_without_multi_process_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    monkeypatch.delenv(ROOT_ENV, raising=False)
    assert own_multiprocess_dir("worker") is None
    assert MULTIPROC_ENV not in os.environ
