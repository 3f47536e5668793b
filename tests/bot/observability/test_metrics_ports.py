"""A metrics port that is taken never stops a process: the next free one, or one clear line."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
import requests
from prometheus_client import CollectorRegistry

from bot.observability.metrics import serve_metrics


@pytest.fixture
def taken() -> Iterator[int]:
    """A port some other process listens on."""
    with socket.socket() as other:
        other.bind(("0.0.0.0", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_a_taken_port_means_the_next_free_one_logged(
    taken: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    port = serve_metrics("worker", "WORKER_METRICS_PORT", taken, CollectorRegistry())

    assert port is not None
    assert port > taken
    assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).ok
    assert f"WORKER_METRICS_PORT={taken} was taken" in caplog.text


def test_every_port_taken_is_one_line_naming_the_setting(
    taken: int, caplog: pytest.LogCaptureFixture
) -> None:
    port = serve_metrics("events", "EVENTS_METRICS_PORT", taken, CollectorRegistry(), tries=1)

    assert port is None
    [line] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "EVENTS_METRICS_PORT" in line.getMessage()
    assert "0 for any free port" in line.getMessage()
    assert line.exc_info is None  # no traceback


def test_port_0_takes_any_free_port(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    port = serve_metrics("worker", "WORKER_METRICS_PORT", 0, CollectorRegistry())

    assert port is not None
    assert port > 0
    assert f":{port}/metrics" in caplog.text
