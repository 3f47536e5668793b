"""``decode-backup-error audit [--request ID] [--json]``: who asked, approved and applied what.

Reads the audit stream the state machine writes on every transition (``<prefix>:audit``).
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import BotConfig, ConfigError, Settings, load_bot_config
from bot.errors import BackupDoctorError
from bot.redis_connect import RedisUnusable
from bot.state import RequestStore

COLUMNS = ("at", "request", "actor", "from", "to", "fix", "account_id", "policy_sha256")


def main(argv: list[str]) -> int:
    """Print the audit trail; return the exit status (0, or 1 when Redis cannot be read)."""
    parser = argparse.ArgumentParser(prog="decode-backup-error audit")
    parser.add_argument("--request", help="only this request's events")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    settings = Settings()
    if not settings.redis_url:
        print("error: set REDIS_URL to the bot's Redis to read its audit trail", file=sys.stderr)
        return 1
    try:
        config = load_bot_config(settings.config_file)
    except ConfigError:
        config = BotConfig()  # the trail does not depend on the accounts file
    from bot.wiring import build_redis

    try:
        client = build_redis(settings.redis_url, settings)
    except RedisUnusable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    store = RequestStore.from_config(client, settings.redis_prefix, config)
    try:
        events = store.audit_events(args.request)
    except BackupDoctorError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    for event in events:
        print(json.dumps(event, sort_keys=True) if args.json else _line(event))
    if not events and not args.json:
        print("no audit events" + (f" for request {args.request}" if args.request else ""))
    return 0


def _line(event: dict[str, str]) -> str:
    return "  ".join(f"{key}={event.get(key, '-')}" for key in COLUMNS if key in event) or str(
        event
    )
