"""Every public sample, pasted into the slash command, gets a card or a specific next step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.handlers.conftest import BotUnderTest
from tests.support.slack_requests import command_body, post_signed

SAMPLES = json.loads((Path(__file__).parents[1] / "data" / "public-cases.json").read_text())
#: the raw-XML sample carries a real blob from 2017: STS rejects it, and the bot says why
EXPIRED = {"awssdkgo-1536-raw-xml"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["id"] for s in SAMPLES])
def test_each_sample_is_explained(bot: BotUnderTest, sample: dict[str, object]) -> None:
    text = str(sample["text"])
    post_signed(bot.url, command_body(text, response_url=bot.slack.response_url("s")))
    if sample["id"] in EXPIRED:
        [reply] = bot.slack.wait_for("response_url")
        assert "expired" in json.dumps(reply.args).lower()
        return
    card = bot.slack.wait_for("chat.postMessage", 2)[1]
    blocks = json.dumps(card.args["blocks"])
    for key in ("action", "resource"):
        value = sample[key]
        # what the text itself names must be on the card (some samples only say it elsewhere)
        if isinstance(value, str) and value in text and ":" in value:
            assert value in blocks, (key, value)
