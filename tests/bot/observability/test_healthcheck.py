"""The image's HEALTHCHECK passes when the web's /healthz, or the worker's or the events
process's metrics, answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bot.observability import healthcheck


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def answering_port() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


PORTS = ("PORT", "WORKER_METRICS_PORT", "EVENTS_METRICS_PORT")


@pytest.mark.parametrize("variable", PORTS)
def test_healthy_when_any_process_answers(
    monkeypatch: pytest.MonkeyPatch, answering_port: int, unused_port: int, variable: str
) -> None:
    for name in PORTS:
        monkeypatch.setenv(name, str(unused_port))
    monkeypatch.setenv(variable, str(answering_port))

    assert healthcheck.main() == 0


def test_unhealthy_when_nothing_answers(
    monkeypatch: pytest.MonkeyPatch, unused_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in PORTS:
        monkeypatch.setenv(name, str(unused_port))

    assert healthcheck.main() == 1
    assert "unhealthy" in capsys.readouterr().err
