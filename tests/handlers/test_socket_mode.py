"""Socket Mode: the same app over a WebSocket, with a local server playing Slack's side.

The Slack stand-in's ``apps.connections.open`` hands out a ``ws://`` URL on loopback; the server
there says hello, delivers a slash command envelope, and records the bot's ack.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import Server, ServerConnection, serve

from bot.app import create_app
from bot.config import Settings, load_bot_config
from bot.wiring import build_web
from tests.handlers.conftest import BLOB, CHANNEL, CONFIG, REQUESTER
from tests.support.aws_standin import AwsStandin
from tests.support.slack_standin import SlackStandin

ENVELOPE = "3f1e2d3c-0000-4000-8000-000000000001"


class FakeSlackSocket:
    """Accepts one connection, sends hello and the queued envelopes, records what comes back."""

    def __init__(self) -> None:
        self.outgoing: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server: Server = serve(self._session, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        while (envelope := self.outgoing.get()) is not None:
            connection.send(json.dumps(envelope))
            self.received.put(json.loads(connection.recv(timeout=10)))


@pytest.fixture
def socket_bot(
    aws: AwsStandin, slack: SlackStandin, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[FakeSlackSocket]:
    fake = FakeSlackSocket()
    slack.socket_url = fake.url
    config_file = tmp_path / "backup-doctor.yaml"
    config_file.write_text(CONFIG)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-test-token",
        slack_api_url=slack.url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        config_file=config_file,
    )
    services = build_web(settings, load_bot_config(config_file), redis_url)
    handler = SocketModeHandler(create_app(services, socket_mode=True), "xapp-test-token")
    handler.connect()  # type: ignore[no-untyped-call]
    yield fake
    fake.outgoing.put(None)  # ends the session
    handler.close()  # type: ignore[no-untyped-call]
    fake.server.shutdown()
    services.work.shutdown(wait=True)


def test_a_slash_command_over_socket_mode_is_acked_and_answered_in_a_thread(
    socket_bot: FakeSlackSocket, slack: SlackStandin
) -> None:
    socket_bot.outgoing.put(
        {
            "envelope_id": ENVELOPE,
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/decode-backup-error",
                "text": f"Encoded authorization failure message: {BLOB}",
                "user_id": REQUESTER,
                "channel_id": CHANNEL,
                "team_id": "T0001",
                "trigger_id": "socket.trigger.1",
                "response_url": slack.response_url("socket"),
            },
        }
    )
    ack = socket_bot.received.get(timeout=10)
    assert ack["envelope_id"] == ENVELOPE
    assert "Looking at it" in json.dumps(ack["payload"])
    card = slack.wait_for("chat.postMessage", 2)[1]
    assert "iam:PassRole" in json.dumps(card.args["blocks"])
    assert (
        slack.calls_to("apps.connections.open")[0]
        .headers["Authorization"]
        .endswith("xapp-test-token")
    )
