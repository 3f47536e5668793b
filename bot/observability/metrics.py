"""Prometheus metrics of both processes, correct across forks.

Both processes fork: gunicorn runs several worker processes behind one port, and rq forks a work
horse per job, so a counter kept in one process's memory would be lost (rq) or show one process's
share per scrape (gunicorn). The deployment therefore sets ``PROMETHEUS_MULTIPROC_DIR`` (an
emptyDir in Kubernetes) in both containers: prometheus_client then keeps every value in per-process
files in that directory, and a scrape sums them with ``MultiProcessCollector``. The variable must be
in the environment before ``prometheus_client`` is imported (it picks its storage at import), and
the directory must start empty (``reset_multiprocess_dir`` at process start). Without the variable
(local runs, tests) the same metrics live in ``REGISTRY`` in memory.

``queue_depth`` is read from Redis at scrape time through a callback, never stored.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

#: every metric name starts with this, so dashboards find them in a shared Prometheus
NAMESPACE = "backup_doctor"
#: environment variable that switches prometheus_client to its multi-process file storage
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: environment variable naming the port of the worker's metrics endpoint
WORKER_METRICS_PORT_ENV = "WORKER_METRICS_PORT"
#: port of the worker's metrics endpoint when WORKER_METRICS_PORT is unset
DEFAULT_WORKER_METRICS_PORT = 9100

QueueDepth = Callable[[], int]


class HasFixQueue(Protocol):
    """What ``exposition`` needs of the process's services: its Redis and key prefix."""

    @property
    def redis(self) -> redis.Redis: ...

    @property
    def prefix(self) -> str: ...


#: the in-process registry; scrapes in multi-process mode read the files instead
REGISTRY = CollectorRegistry(auto_describe=True)

COMMANDS = Counter(
    "commands",
    "Requests to diagnose, by entry point (slash command, shortcut, modal, CLI).",
    ["entry"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
DECODES = Counter(
    "decodes",
    "Diagnoses of pasted text, by outcome (ok, or the error code: message_invalid, ...).",
    ["outcome"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
DECODE_SECONDS = Histogram(
    "decode_seconds",
    "Time from pasted text to a diagnosis, in seconds.",
    namespace=NAMESPACE,
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0),
)
AWS_CALLS = Counter(
    "aws_calls",
    "AWS API calls made, by service and operation.",
    ["service", "operation"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
AWS_ERRORS = Counter(
    "aws_errors",
    "AWS API calls that failed, by service, operation and AWS error code.",
    ["service", "operation", "code"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
APPROVALS = Counter(
    "approvals",
    "Approval decisions on fix requests (approved, denied, expired, refused).",
    ["decision"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
FIXES = Counter(
    "fixes",
    "Fixes applied by workers, by catalogue fix and outcome (succeeded, failed, reverted).",
    ["fix", "outcome"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
EVENTS = Counter(
    "events",
    "AWS Backup events read from the queue, by outcome (posted, burst, duplicate, not_failure, "
    "unconfigured_account, no_channel, unreadable, malformed, retry).",
    ["outcome"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
UNHANDLED = Counter(
    "unhandled_requests",
    "Signed Slack requests no listener handles (a button of an older card, an event not used), "
    "answered 200 anyway, by kind.",
    ["kind"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
QUEUE_DEPTH_NAME = f"{NAMESPACE}_queue_depth"


def record_aws_call(service: str, operation: str, error_code: str | None) -> None:
    """Count one AWS API call and, when ``error_code`` is set, its failure.

    Matches the ``(service, operation, error_code_or_None)`` callback the AWS layer invokes.
    """
    AWS_CALLS.labels(service=service, operation=operation).inc()
    if error_code is not None:
        AWS_ERRORS.labels(service=service, operation=operation, code=error_code).inc()


class QueueDepthCollector(Collector):
    """Reports the fix queue's length, read through ``queue_depth`` at each scrape."""

    def __init__(self, queue_depth: QueueDepth) -> None:
        self._queue_depth = queue_depth

    def collect(self) -> Iterable[Metric]:
        try:
            depth = self._queue_depth()
        except Exception:
            # Redis down must not break the scrape of everything else; the gap in the series
            # (and the log line) says what happened.
            logger.warning("could not read the fix queue depth for /metrics", exc_info=True)
            return
        gauge = GaugeMetricFamily(QUEUE_DEPTH_NAME, "Jobs waiting in the fix queue.")
        gauge.add_metric([], depth)
        yield gauge


def multiprocess_dir() -> Path | None:
    """The multi-process metrics directory, when this process runs in that mode."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def reset_multiprocess_dir() -> None:
    """Empty the multi-process directory; call once at process start, before forking.

    Files left by an earlier container in the same pod (a restart keeps the emptyDir) would
    otherwise be summed into the new process's values.
    """
    directory = multiprocess_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for entry in directory.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def scrape_registry(queue_depth: QueueDepth | None = None) -> CollectorRegistry:
    """A registry that collects every process's values, plus the queue depth when given."""
    registry = CollectorRegistry()
    directory = multiprocess_dir()
    if directory is None:
        registry.register(_Forward(REGISTRY))
    else:
        # prometheus_client leaves this constructor unannotated
        multiprocess.MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    if queue_depth is not None:
        registry.register(QueueDepthCollector(queue_depth))
    return registry


def render_metrics(queue_depth: QueueDepth | None = None) -> tuple[bytes, str]:
    """The body and content type of ``GET /metrics`` (Prometheus text format)."""
    return generate_latest(scrape_registry(queue_depth)), CONTENT_TYPE_LATEST


def fix_queue_depth(connection: redis.Redis, prefix: str) -> int:
    """How many fix jobs wait in the rq queue now."""
    from bot.worker.queues import fix_queue

    return int(fix_queue(connection, prefix).count)


def exposition(services: HasFixQueue) -> tuple[bytes, str]:
    """``render_metrics`` with the depth of ``services``' fix queue: the web's ``GET /metrics``."""
    return render_metrics(queue_depth=lambda: fix_queue_depth(services.redis, services.prefix))


def worker_metrics_port() -> int:
    """``WORKER_METRICS_PORT``, or the default when unset."""
    return int(os.environ.get(WORKER_METRICS_PORT_ENV, DEFAULT_WORKER_METRICS_PORT))


#: ports tried from the configured one up, so that several processes of a kind share a host
PORT_TRIES = 32


def serve_metrics(
    what: str, setting: str, port: int, registry: CollectorRegistry, tries: int = PORT_TRIES
) -> int | None:
    """Serve ``registry`` from a daemon thread on ``port``, else the next free one; the port.

    ``0`` takes any free port. When every port tried is taken, one log line names the setting to
    change and the process goes on without its endpoint (never a traceback, never a dead worker).
    """
    candidates = [0] if port == 0 else list(range(port, min(port + tries, 65536)))
    for candidate in candidates:
        try:
            server, _thread = start_http_server(candidate, registry=registry)
        except OSError:
            continue
        bound = int(server.server_address[1])
        taken = (
            f" ({setting}={port} was taken: the next free port)" if bound != port and port else ""
        )
        logger.info("%s metrics on :%d/metrics%s", what, bound, taken)
        return bound
    logger.error(
        "%s metrics not served: ports %d-%d are all taken; set %s to a free port, or to 0 for "
        "any free port",
        what,
        candidates[0],
        candidates[-1],
        setting,
    )
    return None


def start_worker_metrics_server(port: int, queue_depth: QueueDepth | None = None) -> int | None:
    """Serve the worker's metrics on ``port`` (or the next free one) from a daemon thread of the rq
    worker's main process; the port, None when none was free.

    Jobs run in forked work horses; in multi-process mode their values reach this endpoint
    through the process's own directory.
    """
    return serve_metrics("worker", WORKER_METRICS_PORT_ENV, port, scrape_registry(queue_depth))


def start_events_metrics_server(port: int) -> int | None:
    """Serve the events process's metrics on ``port`` (or the next free one); the port."""
    return serve_metrics("events", "EVENTS_METRICS_PORT", port, scrape_registry(None))


class _Forward(Collector):
    """Re-exposes another registry's metrics inside a scrape-time registry."""

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterator[Metric]:
        yield from self._source.collect()
