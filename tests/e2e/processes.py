"""Start, stop and kill the Procfile's processes (``python -m bot web`` / ``worker``) for e2e tests.

Each process writes stdout and stderr to one log file, so tests can assert on what it logged (no
secrets) and print it when a test fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import requests

T = TypeVar("T")

#: the interpreter of the venv running the tests: the Procfile's ``python``
PYTHON = sys.executable


def eventually(check: Callable[[], T | None], timeout: float = 15.0, what: str = "") -> T:
    """Poll ``check`` until it returns something truthy; return it (AssertionError on timeout)."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


@dataclass
class BotProcess:
    """One ``python -m bot <mode>`` subprocess and its log file."""

    mode: str
    env: dict[str, str]
    log_path: Path
    cwd: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> BotProcess:
        """Start the process, appending to its log file."""
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bot", self.mode],
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # gunicorn's children go with it on stop()
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_logged(self, text: str, timeout: float = 20.0) -> None:
        """Wait until the log contains ``text`` (fail early if the process died)."""

        def logged() -> bool:
            if not self.alive():
                raise AssertionError(f"{self.mode} exited early:\n{self.log()}")
            return text in self.log()

        eventually(logged, timeout, f"{self.mode} to log {text!r}")

    def kill(self) -> None:
        """SIGKILL the process group and every descendant, as an OOM kill or a node loss would.

        rq's work horse calls ``setpgrp()``, so it is not in the group: it is found by parentage.
        """
        if self.alive():
            strays = descendants(self.pid)
            os.killpg(self.pid, signal.SIGKILL)
            _kill_all(strays)
            assert self.process is not None
            self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL after 10 s."""
        if self.alive():
            assert self.process is not None
            strays = descendants(self.pid)
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            _kill_all(strays)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, whatever process group or session it moved to."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm) state"
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def start_web(env: dict[str, str], port: int, log_path: Path, cwd: Path) -> BotProcess:
    """The Procfile's ``web``, ready once ``GET /readyz`` answers 200."""
    web = BotProcess("web", {**env, "PORT": str(port)}, log_path, cwd).start()
    url = f"http://127.0.0.1:{port}/readyz"

    def ready() -> bool:
        if not web.alive():
            raise AssertionError(f"web exited early:\n{web.log()}")
        try:
            return requests.get(url, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    eventually(ready, 30.0, "web /readyz")
    return web


def start_worker(env: dict[str, str], log_path: Path, cwd: Path) -> BotProcess:
    """The Procfile's ``worker``, ready once it says it listens on its queue."""
    worker = BotProcess("worker", env, log_path, cwd).start()
    worker.wait_logged("worker ready on queue", timeout=30.0)
    return worker


def start_events(env: dict[str, str], log_path: Path, cwd: Path) -> BotProcess:
    """The Procfile's ``events``, ready once it says it reads its queue."""
    events = BotProcess("events", env, log_path, cwd).start()
    events.wait_logged("events: reading", timeout=30.0)
    return events
