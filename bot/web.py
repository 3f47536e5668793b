"""HTTP mode: Flask routes around Bolt's adapter, served by gunicorn (a production server).

``POST /slack/events`` takes commands, interactivity, shortcuts and events; ``GET /healthz`` says
the process is alive; ``GET /readyz`` says Redis answers (503 otherwise); ``GET /metrics`` is
Prometheus.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.app import create_app
from bot.config import Settings
from bot.wiring import Services

logger = logging.getLogger(__name__)


def create_web_app(services: Services) -> Flask:
    """The WSGI app of one web process (built after gunicorn forks, never at import time)."""
    bolt = create_app(services)
    handler = SlackRequestHandler(bolt)
    web = Flask("backup-doctor")

    @web.post("/slack/events")
    def slack_events() -> Any:
        return handler.handle(request)

    @web.get("/healthz")
    def healthz() -> Response:
        return Response('{"status":"ok"}', 200, content_type="application/json")

    @web.get("/readyz")
    def readyz() -> Response:
        if services.redis_ready():
            return Response('{"status":"ready"}', 200, content_type="application/json")
        return Response(
            '{"status":"unavailable","reason":"redis unreachable"}',
            503,
            content_type="application/json",
        )

    @web.get("/metrics")
    def metrics() -> Response:
        from bot.observability.metrics import exposition

        body, content_type = exposition(services)
        return Response(body, 200, content_type=content_type)

    return web


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Runs ``create_web_app`` under gunicorn's gthread workers with the settings below."""

    def __init__(self, build: Any, options: dict[str, Any]) -> None:
        self._build = build
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._build()


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """Each setting with why: see the comments."""
    return {
        "bind": f"0.0.0.0:{settings.port}",  # behind a load balancer or the cluster's Service
        "workers": settings.web_concurrency,  # one per core (see Settings.web_concurrency)
        # acks are tiny: threads serve them while slow work runs in the bot's own work pool
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": 30,  # a request thread stuck for 30 s is a bug: restart the worker
        "graceful_timeout": 25,  # finish in-flight work on SIGTERM within the pod's grace period
        "keepalive": 5,
        "accesslog": None,  # the app logs requests as JSON with their request id
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "preload_app": False,  # build clients after the fork: boto3 and redis are not fork-safe
    }
