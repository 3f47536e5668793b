"""A local AWS stand-in for end-to-end tests and benchmarks.

It is a real HTTP server that boto3 reaches through ``endpoint_url`` or the standard
``AWS_ENDPOINT_URL_STS`` / ``AWS_ENDPOINT_URL_IAM`` / ``AWS_ENDPOINT_URL_BACKUP`` variables
(:meth:`AwsStandin.endpoint_env`). It answers the calls moto lacks itself
(``sts:DecodeAuthorizationMessage``, ``iam:SimulatePrincipalPolicy``, AWS Backup's job operations,
``iam-toolbox:GetRequestAuthorizationDetails``, ``cloudtrail:LookupEvents``),
validating every response against botocore's model, and forwards everything else to a moto server.
Tests seed and steer it through a Python API or the ``/_standin/`` admin endpoints
(``aws_standin_admin``), which can also inject faults and latency and count calls.

In-process::

    moto = start_moto_thread()
    with AwsStandin(moto.url) as standin:
        standin.register_blob(blob, decoded, account="111122223333")
        boto3.client("sts", endpoint_url=standin.url).decode_authorization_message(...)

As a separate process (what the e2e tests run beside the Procfile's processes)::

    python -m tests.support.aws_standin --port 4599 --moto-url http://127.0.0.1:5000 --state s.json

or :func:`start_standin_process`, which returns a handle with an HTTP admin client.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.support.aws_standin_admin import StandinAdminClient
from tests.support.aws_standin_app import StandinApp
from tests.support.moto_server import free_port, terminate, wait_until_up

ENDPOINT_VARIABLES = (
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_BACKUP",
    "AWS_ENDPOINT_URL_IAM_TOOLBOX",
    "AWS_ENDPOINT_URL_CLOUDTRAIL",
)
"""boto3's per-service endpoint variables that point a process at the stand-in."""


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: tests count calls through :meth:`StandinApp.calls`."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class AwsStandin(StandinApp):
    """The stand-in served from a background thread of this process (see the module docstring)."""

    def __init__(
        self, moto_url: str, state_path: Path | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(moto_url, state_path)
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give boto3 as ``endpoint_url`` (only once started)."""
        if self._server is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://{self._host}:{self._server.server_port}"

    def endpoint_env(self) -> dict[str, str]:
        """Environment variables that send a process's STS, IAM and Backup calls here."""
        return dict.fromkeys(ENDPOINT_VARIABLES, self.url)

    def start(self) -> AwsStandin:
        """Listen (on a free port unless one was given) and serve in a daemon thread."""
        self._server = make_server(
            self._host, self._port, self, threaded=True, request_handler=_QuietRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits up to one poll interval
            name="aws-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> AwsStandin:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class StandinProcess:
    """A stand-in running as ``python -m tests.support.aws_standin``."""

    url: str
    process: subprocess.Popen[bytes]
    admin: StandinAdminClient
    log: IO[bytes] | None = None

    def endpoint_env(self) -> dict[str, str]:
        """Environment variables that send a process's STS, IAM and Backup calls here."""
        return dict.fromkeys(ENDPOINT_VARIABLES, self.url)

    def stop(self) -> None:
        """Terminate the process (kill it if it does not exit within 5 s)."""
        terminate(self.process)
        if self.log is not None:
            self.log.close()


def start_standin_process(
    moto_url: str,
    port: int | None = None,
    state_path: Path | None = None,
    log_path: Path | None = None,
    cwd: Path | None = None,
) -> StandinProcess:
    """Start the stand-in as a subprocess of this interpreter and wait until it answers.

    ``cwd`` must be the project root (the default: the root this file is in), so that
    ``tests.support`` imports.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "tests.support.aws_standin", "--port", str(port)]
    command += ["--moto-url", moto_url]
    if state_path is not None:
        command += ["--state", str(state_path)]
    log = log_path.open("wb") if log_path is not None else None
    root = cwd or Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        command, cwd=root, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    handle = StandinProcess(url, process, StandinAdminClient(url), log)
    try:
        wait_until_up(url, path="/_standin/health")
    except TimeoutError:
        handle.stop()
        raise
    return handle


def main(argv: list[str] | None = None) -> None:
    """Command line entry point: serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4599, help="port to listen on (0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--moto-url", required=True, help="moto server to forward other calls to")
    parser.add_argument(
        "--state", type=Path, help="JSON file that keeps seeded data across restarts"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = StandinApp(args.moto_url, args.state)
    server = make_server(args.host, args.port, app, threaded=True)
    print(f"aws-standin listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted; stopping")
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
