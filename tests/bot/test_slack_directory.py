"""The Slack-backed directory against a local Web API: flags, caching, errors absorbed."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient

from bot.approvals import UserInfo
from bot.slack_directory import SlackUserDirectory
from tests.bot.fixes.factories import Clock

USERS = {
    "U_GUEST": {"id": "U_GUEST", "is_restricted": True},
    "U_BOSS": {"id": "U_BOSS", "deleted": False, "is_bot": False},
}


class SlackApi(BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        method = self.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        if method == "users.info" and form.get("user") in USERS:
            body = {"ok": True, "user": USERS[form["user"]]}
        elif method == "usergroups.users.list" and form.get("usergroup") == "S_OPS":
            body = {"ok": True, "users": ["U_OPS", "U_BOSS"]}
        else:
            body = {"ok": False, "error": "user_not_found"}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def slack_url() -> Iterator[str]:
    SlackApi.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlackApi)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clock() -> Clock:
    return Clock(0.0)


@pytest.fixture
def directory(slack_url: str, clock: Clock) -> SlackUserDirectory:
    client = WebClient(token="xoxb-test", base_url=slack_url)
    return SlackUserDirectory(client, ttl_seconds=60, clock=clock)


def test_a_users_flags_come_from_users_info(directory: SlackUserDirectory) -> None:
    assert directory.user("U_GUEST") == UserInfo("U_GUEST", is_restricted=True)


def test_an_unknown_user_is_none_and_not_an_error(directory: SlackUserDirectory) -> None:
    assert directory.user("U_MISSING") is None


def test_group_members_come_from_usergroups_users_list(directory: SlackUserDirectory) -> None:
    assert directory.group_members("S_OPS") == {"U_OPS", "U_BOSS"}
    assert directory.group_members("S_UNKNOWN") == set()


def test_answers_are_cached_for_the_ttl_then_asked_again(
    directory: SlackUserDirectory, clock: Clock
) -> None:
    directory.user("U_BOSS")
    directory.group_members("S_OPS")
    clock.advance(59)
    directory.user("U_BOSS")
    directory.group_members("S_OPS")
    assert SlackApi.calls == ["users.info", "usergroups.users.list"]

    clock.advance(2)
    directory.user("U_BOSS")

    assert SlackApi.calls.count("users.info") == 2


def test_failures_are_not_cached(directory: SlackUserDirectory) -> None:
    directory.user("U_MISSING")
    directory.user("U_MISSING")

    assert SlackApi.calls == ["users.info", "users.info"]


def test_an_unreachable_slack_means_unknown_users_and_empty_groups(clock: Clock) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = WebClient(token="xoxb-test", base_url=f"http://127.0.0.1:{port}/api/", timeout=1)
    directory = SlackUserDirectory(client, clock=clock)

    assert directory.user("U_BOSS") is None
    assert directory.group_members("S_OPS") == set()
