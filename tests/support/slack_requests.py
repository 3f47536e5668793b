"""Build and send requests exactly as Slack does: form or JSON bodies, signed with the v0 scheme."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


def signed_headers(
    body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The X-Slack-Signature and X-Slack-Request-Timestamp headers for ``body``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # only None when the timestamp is missing
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(
    text: str,
    *,
    user_id: str = "UREQUESTER",
    channel_id: str = "C0PROD",
    response_url: str = "http://127.0.0.1:9/response/x",
    trigger_id: str = "1337.42.abcdef",
    command: str = "/decode-backup-error",
) -> str:
    """The form body of a slash command invocation."""
    return urlencode(
        {
            "token": "legacy-unused",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": channel_id,
            "channel_name": "backups",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction_body(payload: dict[str, Any]) -> str:
    """The form body of an interactivity request (block actions, shortcuts, view submissions)."""
    return urlencode({"payload": json.dumps(payload)})


def post_signed(
    url: str,
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> requests.Response:
    """POST ``body`` to the bot's ``/slack/events`` as Slack would."""
    headers = signed_headers(body, secret, timestamp)
    headers.update(extra_headers or {})
    return requests.post(url, data=body.encode(), headers=headers, timeout=timeout)
