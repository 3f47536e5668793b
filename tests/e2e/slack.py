"""Drive the bot as Slack does (signed POSTs to /slack/events) and read what it posted.

Every scenario uses its own channel id, so reading "the thread" or "my ephemeral answers" only
sees that scenario's calls even though the Slack stand-in serves a whole module.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests

from tests.e2e.processes import eventually
from tests.support.slack_requests import command_body, interaction_body, post_signed
from tests.support.slack_standin import SlackCall, SlackStandin

_clicks = itertools.count(1)


@dataclass(frozen=True)
class Button:
    """A button found on a posted card."""

    action_id: str
    value: str
    block_id: str
    text: str


@dataclass(frozen=True)
class Posted:
    """A chat.postMessage the bot made in a thread."""

    channel: str
    thread_ts: str
    text: str
    blocks: list[dict[str, Any]]

    def buttons(self) -> list[Button]:
        return list(buttons_in(self.blocks))

    def button(self, action_id: str, value_contains: str = "") -> Button:
        """The button with this action id (``request_fix`` matches ``request_fix:N``)."""
        for found in self.buttons():
            same = found.action_id.split(":")[0] == action_id
            if same and value_contains in found.value:
                return found
        raise AssertionError(f"no {action_id} button ({value_contains}) in {self.buttons()}")

    def mrkdwn(self) -> str:
        return "\n".join(mrkdwn_texts(self.blocks))

    def links(self) -> dict[str, str]:
        """The link buttons' urls by action id (they carry a url, not a value)."""
        return {
            element["action_id"]: element["url"]
            for block in self.blocks
            for element in block.get("elements") or []
            if element.get("type") == "button" and "url" in element
        }


def buttons_in(blocks: list[dict[str, Any]]) -> Iterator[Button]:
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and "value" in element:
                yield Button(
                    element["action_id"],
                    element["value"],
                    block.get("block_id", ""),
                    element["text"]["text"],
                )


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every mrkdwn text object's text in a block tree."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item)


class SlackDriver:
    """One scenario's view of Slack: its channel, its users' requests, the bot's posts there."""

    def __init__(self, events_url: str, slack: SlackStandin) -> None:
        self.events_url = events_url
        self.slack = slack
        self.channel = "C" + uuid.uuid4().hex[:10].upper()

    # -- what people do ----------------------------------------------------------------------
    def command(self, text: str, user: str, response_name: str | None = None) -> requests.Response:
        """``/decode-backup-error <text>`` typed by ``user`` in this scenario's channel."""
        body = command_body(
            text,
            user_id=user,
            channel_id=self.channel,
            response_url=self.slack.response_url(response_name or self._name()),
            trigger_id=self._trigger(),
        )
        return self.post(body)

    def click(self, user: str, posted: Posted, button: Button) -> str:
        """``user`` clicks ``button`` on ``posted``; returns the click's response_url name."""
        name = self._name()
        payload = {
            "type": "block_actions",
            "team": {"id": "T0001", "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
            "api_app_id": "A0001",
            "token": "legacy-unused",
            "trigger_id": self._trigger(),
            "container": {
                "type": "message",
                "message_ts": posted.thread_ts,
                "channel_id": posted.channel,
                "thread_ts": posted.thread_ts,
                "is_ephemeral": False,
            },
            "channel": {"id": posted.channel, "name": "backups"},
            "message": {
                "type": "message",
                "ts": f"{posted.thread_ts}1",
                "thread_ts": posted.thread_ts,
                "blocks": posted.blocks,
            },
            "response_url": self.slack.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": button.action_id,
                    "block_id": button.block_id,
                    "value": button.value,
                    "text": {"type": "plain_text", "text": button.text},
                    "action_ts": f"{next(_clicks)}.000001",
                }
            ],
        }
        response = self.post(interaction_body(payload))
        assert response.status_code == 200, response.text
        return name

    def post(self, body: str, **kwargs: Any) -> requests.Response:
        return post_signed(self.events_url, body, **kwargs)

    # -- what the bot posted -------------------------------------------------------------------
    def thread_posts(self) -> list[Posted]:
        """Every chat.postMessage with a thread_ts in this channel, in order."""
        return [
            Posted(self.channel, c.args["thread_ts"], c.args.get("text", ""), _blocks(c))
            for c in self.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == self.channel and c.args.get("thread_ts")
        ]

    def wait_post(self, contains: str, timeout: float = 20.0, count: int = 1) -> Posted:
        """The ``count``-th thread post whose text or mrkdwn contains ``contains``."""

        def found() -> Posted | None:
            matching = [p for p in self.thread_posts() if contains in p.text + p.mrkdwn()]
            return matching[count - 1] if len(matching) >= count else None

        return eventually(found, timeout, f"a post containing {contains!r} in {self.channel}")

    def calls_here(self, method: str) -> list[SlackCall]:
        return [c for c in self.slack.calls_to(method) if c.args.get("channel") == self.channel]

    def responses(self, name: str) -> list[dict[str, Any]]:
        """What the bot sent to the response_url named ``name``."""
        return [c.args for c in self.slack.calls_to("response_url") if c.args["_name"] == name]

    def wait_response(self, name: str, timeout: float = 15.0) -> dict[str, Any]:
        return eventually(lambda: self.responses(name)[:1], timeout, f"response_url {name}")[0]

    @staticmethod
    def _name() -> str:
        return uuid.uuid4().hex[:12]

    @staticmethod
    def _trigger() -> str:
        return f"{next(_clicks)}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"


def _blocks(call: SlackCall) -> list[dict[str, Any]]:
    blocks = call.args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def response_text(response: dict[str, Any]) -> str:
    """The text and every mrkdwn text of a response_url message."""
    return "\n".join([response.get("text", ""), *mrkdwn_texts(response.get("blocks") or [])])
