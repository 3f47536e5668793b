"""Where an answer goes: a thread under a short channel message, the asker's thread, or ephemeral.

Falls back to the command's ``response_url`` when the bot is not in the channel, so the asker always
gets an answer, with a hint on how to get threaded replies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient

logger = logging.getLogger(__name__)

#: errors that mean "the bot cannot post here", not "Slack is broken"
NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


@dataclass(frozen=True)
class Origin:
    """Who asked, where, and how they want the answer."""

    user_id: str
    channel_id: str | None
    thread_ts: str | None = None  # answer in this thread (shortcut on a message)
    response_url: str | None = None  # slash commands and shortcuts carry one
    reply: Literal["thread", "ephemeral"] = "thread"
    message_ts: str | None = None  # the message whose button was clicked


class Replies:
    """Posts cards for one Slack workspace through one Web API client."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def answer(
        self, origin: Origin, *, parent_text: str, blocks: list[Block], text: str
    ) -> tuple[str | None, str | None]:
        """Post an answer card; return ``(channel, thread_ts)`` where it lives (None if ephemeral).

        Thread mode: a short parent message (or the asker's thread) and the card inside it.
        """
        if origin.reply == "ephemeral" or origin.channel_id is None:
            self.ephemeral(origin, blocks=blocks, text=text)
            return None, None
        try:
            thread_ts = origin.thread_ts
            if thread_ts is None:
                parent = self._client.chat_postMessage(
                    channel=origin.channel_id, text=parent_text, unfurl_links=False
                )
                thread_ts = str(parent["ts"])
            self._client.chat_postMessage(
                channel=origin.channel_id,
                thread_ts=thread_ts,
                blocks=blocks,
                text=text,
                unfurl_links=False,
                unfurl_media=False,
            )
            return origin.channel_id, thread_ts
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_IN_CHANNEL or not origin.response_url:
                raise
            logger.info(
                "cannot post in %s (%s): answering through response_url",
                origin.channel_id,
                exc.response.get("error"),
            )
            self._via_response_url(origin.response_url, blocks, text, invite_hint=True)
            return None, None

    def ephemeral(self, origin: Origin, *, blocks: list[Block], text: str) -> None:
        """Show something to the asker only (errors, usage, privileged detail)."""
        if origin.response_url:
            self._via_response_url(origin.response_url, blocks, text)
            return
        if origin.channel_id is None:
            return
        kwargs: dict[str, Any] = {"thread_ts": origin.thread_ts} if origin.thread_ts else {}
        self._client.chat_postEphemeral(
            channel=origin.channel_id, user=origin.user_id, blocks=blocks, text=text, **kwargs
        )

    def in_thread(
        self,
        channel: str,
        thread_ts: str,
        *,
        blocks: list[Block],
        text: str,
        event_id: str | None = None,
    ) -> str:
        """Post a card in an existing thread; return its ts (to update it later)."""
        return self._post(channel, blocks, text, event_id, thread_ts=thread_ts)

    def new_message(
        self, channel: str, *, blocks: list[Block], text: str, event_id: str | None = None
    ) -> str:
        """Post a card as a new channel message (its thread carries what follows); its ts."""
        return self._post(channel, blocks, text, event_id, unfurl_media=False)

    def _post(
        self, channel: str, blocks: list[Block], text: str, event_id: str | None, **more: Any
    ) -> str:
        response = self._client.chat_postMessage(
            channel=channel,
            blocks=blocks,
            text=text,
            unfurl_links=False,
            **_metadata(event_id),
            **more,
        )
        return str(response["ts"])

    def find_event_message(
        self, channel: str, event_id: str, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the bot's recent message carrying ``event_id`` in its metadata, if any.

        How a process that took over a dead one's claim learns whether the card went out.
        """
        if thread_ts:
            response = self._client.conversations_replies(
                channel=channel, ts=thread_ts, limit=200, include_all_metadata=True
            )
        else:
            response = self._client.conversations_history(
                channel=channel, limit=200, include_all_metadata=True
            )
        for message in response.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("event_id") == event_id:
                return str(message["ts"])
        return None

    def update(self, channel: str, ts: str, *, blocks: list[Block], text: str) -> None:
        """Replace a card in place (approval decided, progress)."""
        self._client.chat_update(channel=channel, ts=ts, blocks=blocks, text=text)

    def _via_response_url(
        self, url: str, blocks: list[Block], text: str, *, invite_hint: bool = False
    ) -> None:
        body = [b.to_dict() for b in blocks]
        if invite_hint:
            body.append(
                {
                    "type": "context",
                    "elements": [
                        {
                            "type": "mrkdwn",
                            "text": "Only you can see this. Invite me to this channel "
                            "(`/invite @backup-doctor`) to get answers in a thread.",
                        }
                    ],
                }
            )
        WebhookClient(url, timeout=10).send(
            text=text, blocks=body, response_type="ephemeral", replace_original=False
        )


#: the message metadata event type of the bot's own cards for an AWS Backup event
EVENT_METADATA_TYPE = "backup_job_failed"


def _metadata(event_id: str | None) -> dict[str, Any]:
    if event_id is None:
        return {}
    return {
        "metadata": {"event_type": EVENT_METADATA_TYPE, "event_payload": {"event_id": event_id}}
    }
