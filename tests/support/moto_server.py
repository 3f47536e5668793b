"""moto in server mode for tests: in a background thread (fast) or as a subprocess (for e2e runs).

moto keeps its state per process: every threaded server in one test process shares it, so tests that
need a clean slate call :func:`reset_moto`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests
from moto.server import ThreadedMotoServer


def terminate(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Stop a server process: SIGTERM, then SIGKILL if it has not exited within ``timeout``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def reset_moto(url: str) -> None:
    """Forget every resource moto holds (all accounts and Regions)."""
    requests.post(f"{url.rstrip('/')}/moto-api/reset", timeout=10).raise_for_status()


def wait_until_up(url: str, timeout: float = 20.0, path: str = "/moto-api/data.json") -> None:
    """Return once ``url + path`` answers 200; raise ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not _answers(url + path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not come up within {timeout} s")
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.ConnectionError:
        return False  # not listening yet


@dataclass
class MotoThread:
    """A moto server running in a thread of this process."""

    url: str
    server: ThreadedMotoServer

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()


def start_moto_thread(host: str = "127.0.0.1") -> MotoThread:
    """Start moto on a free port in a background thread."""
    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    bound_host, port = server.get_host_and_port()
    return MotoThread(f"http://{bound_host}:{port}", server)


@dataclass
class MotoProcess:
    """A moto server running as ``python -m moto.server``."""

    url: str
    process: subprocess.Popen[bytes]
    log: IO[bytes] | None = None

    def stop(self) -> None:
        """Terminate the process (kill it if it does not exit within 5 s)."""
        terminate(self.process)
        if self.log is not None:
            self.log.close()


def start_moto_process(port: int | None = None, log_path: Path | None = None) -> MotoProcess:
    """Start ``python -m moto.server`` (this interpreter, so the venv's moto) and wait for it."""
    port = port or free_port()
    log = log_path.open("wb") if log_path is not None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    handle = MotoProcess(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_up(handle.url)
    except TimeoutError:
        handle.stop()
        raise
    return handle
