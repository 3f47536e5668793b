"""``python -m bot.observability.healthcheck``: the image's HEALTHCHECK, for either process.

One image runs ``web``, ``worker`` and ``events``, and a Docker HEALTHCHECK cannot see which, so
this asks every endpoint a process of this image may serve: the web's ``GET /healthz`` on
``$PORT``, the worker's metrics server on ``$WORKER_METRICS_PORT`` and the events process's on
``$EVENTS_METRICS_PORT``. Exit 0 when one answers 200, else 1. The slim
base image has no curl; this needs only the standard library (Kubernetes uses its own probes).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

from bot.observability.metrics import DEFAULT_WORKER_METRICS_PORT, WORKER_METRICS_PORT_ENV

#: seconds each endpoint may take to answer (the HEALTHCHECK timeout is 5 s for both)
TIMEOUT_SECONDS = 2.0


def health_urls() -> list[str]:
    """The endpoints to try, web first."""
    web_port = os.environ.get("PORT", "3000")
    worker_port = os.environ.get(WORKER_METRICS_PORT_ENV, str(DEFAULT_WORKER_METRICS_PORT))
    events_port = os.environ.get("EVENTS_METRICS_PORT", "9101")
    return [
        f"http://127.0.0.1:{web_port}/healthz",
        f"http://127.0.0.1:{worker_port}/metrics",
        f"http://127.0.0.1:{events_port}/metrics",
    ]


def is_healthy(url: str) -> bool:
    """Whether ``url`` answers 200 within ``TIMEOUT_SECONDS``."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    """0 when the web, worker or events endpoint of this container answers, else 1."""
    for url in health_urls():
        if is_healthy(url):
            return 0
    print(f"unhealthy: no answer from {' or '.join(health_urls())}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
