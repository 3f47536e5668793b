"""``python -m bot [web|worker|socket|events]``: the process entry points (the Procfile names them).

With no argument (what ``make run`` starts) it runs everything a developer needs on one machine:
Redis (embedded when ``REDIS_URL`` is unset), an rq worker process, the events process when an
events queue is configured, and the Slack app in Socket
Mode when ``SLACK_APP_TOKEN`` is set, else the HTTP server on ``$PORT``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import BotConfig, ConfigError, Settings, load_bot_config
from bot.observability.logs import configure_logging
from bot.observability.metrics_dir import own_multiprocess_dir
from bot.redis_connect import startup_problem
from bot.redis_server import RedisEndpoint, resolve

logger = logging.getLogger("bot")

#: exit status for "not configured yet": ``make run`` shows the message without a make error
EXIT_NOT_CONFIGURED = 2
MODES = ("auto", "web", "socket", "worker", "events")
USAGE = "usage: python -m bot [{modes}]   (worker --count N: N workers from one command)"

SETUP_HELP = """\
backup-doctor is installed but not connected to Slack yet.

  Missing: {missing}

  1. Create the Slack app in one step from deploy/slack/manifest.yml
     (https://api.slack.com/apps -> Create New App -> From an app manifest).
  2. Put its tokens in the environment or in a .env file here:
       SLACK_BOT_TOKEN=xoxb-...        (OAuth & Permissions)
       SLACK_APP_TOKEN=xapp-...        (Socket Mode: no public URL needed), or
       SLACK_SIGNING_SECRET=...        (HTTP mode: POST https://<host>/slack/events)
  3. List your AWS accounts in backup-doctor.yaml (copy deploy/backup-doctor.example.yaml).

Then run `make run` again.
"""


def main(argv: list[str] | None = None) -> int:
    """Run the process named by ``argv[0]``; return its exit status."""
    args = sys.argv[1:] if argv is None else argv
    mode = args[0] if args else "auto"
    count = _worker_count(args[1:]) if mode == "worker" else (None if len(args) <= 1 else 0)
    if mode not in MODES or count == 0:
        print(USAGE.format(modes="|".join(MODES[1:])), file=sys.stderr)
        return 2
    own_multiprocess_dir(mode)  # before anything creates a metric value
    try:
        settings = Settings()
    except ValidationError as exc:
        _print_problems([f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()])
        return EXIT_NOT_CONFIGURED
    configure_logging(settings.log_level)
    missing = settings.missing_slack_credentials()
    if mode not in ("worker", "events") and missing:
        print(SETUP_HELP.format(missing=", ".join(missing)), file=sys.stderr)
        return EXIT_NOT_CONFIGURED
    try:
        config = load_bot_config(settings.config_file)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return EXIT_NOT_CONFIGURED
    return _run(mode, settings, config, count)


def _worker_count(options: list[str]) -> int | None:
    """N of ``worker --count N`` (None: no option; 0: not usable)."""
    if not options:
        return None
    if len(options) == 2 and options[0] == "--count" and options[1].isdigit():
        return int(options[1]) or 0
    return 0


def _run(mode: str, settings: Settings, config: BotConfig, count: int | None = None) -> int:
    endpoint = resolve(settings.redis_url, settings.data_dir)
    os.environ["REDIS_URL"] = endpoint.url  # gunicorn workers and the worker process inherit it
    problem = None if endpoint.embedded else startup_problem(endpoint.url, settings)
    if problem is not None:
        _print_problems([f"Redis: {problem}"])
        return EXIT_NOT_CONFIGURED
    try:
        if mode == "worker" and count is not None:
            from bot.worker.pool import WorkerPool

            return WorkerPool(count, settings.worker_shutdown_seconds + 10).run()
        if mode == "worker":
            from bot.worker.process import run_worker

            return run_worker(settings, config, endpoint.url)
        if mode == "events":
            from bot.events.process import run_events

            return run_events(settings, config, endpoint.url)
        if mode == "web":
            return _serve_http(settings, config, endpoint.url)
        if mode == "socket":
            return _serve_socket(settings, config, endpoint.url)
        return _run_all(settings, config, endpoint)
    finally:
        endpoint.stop()


def _run_all(settings: Settings, config: BotConfig, endpoint: RedisEndpoint) -> int:
    from bot.events.process import queue_url

    helpers = [subprocess.Popen([sys.executable, "-m", "bot", "worker"])]
    logger.info("started an rq worker process (pid %s)", helpers[0].pid)
    if queue_url(settings, config):
        helpers.append(subprocess.Popen([sys.executable, "-m", "bot", "events"]))
        logger.info("started the events process (pid %s)", helpers[1].pid)
    try:
        if settings.slack_app_token:
            return _serve_socket(settings, config, endpoint.url)
        return _serve_http(settings, config, endpoint.url)
    finally:
        for helper in helpers:
            helper.send_signal(signal.SIGTERM)
        for helper in helpers:
            try:
                helper.wait(timeout=30)
            except subprocess.TimeoutExpired:
                helper.kill()


def _serve_http(settings: Settings, config: BotConfig, redis_url: str) -> int:
    from bot.observability.metrics import reset_multiprocess_dir
    from bot.web import GunicornServer, create_web_app, gunicorn_options
    from bot.wiring import build_web

    reset_multiprocess_dir()  # gunicorn workers share one metrics directory; start it clean
    logger.info("HTTP mode: POST /slack/events on port %s", settings.port)
    GunicornServer(
        lambda: create_web_app(build_web(settings, config, redis_url)),
        gunicorn_options(settings),
    ).run()
    return 0


def _serve_socket(settings: Settings, config: BotConfig, redis_url: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app
    from bot.wiring import build_web

    assert settings.slack_app_token is not None
    services = build_web(settings, config, redis_url)
    app = create_app(services, socket_mode=True)
    logger.info("Socket Mode: connecting to Slack (no public URL needed)")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
    return 0


def _print_problems(problems: list[str]) -> None:
    print("backup-doctor cannot start; fix these first:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print(f"Config file example: {Path('deploy/backup-doctor.example.yaml')}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
