"""Hostile input cannot make recognition hang: every pattern is linear (hang detector only)."""

from __future__ import annotations

import pytest

from bot.inputs import parse_input
from bot.inputs.sizes import MAX_INPUT_CHARS
from bot.models import ParsedInput, Rejection
from tests.bot.inputs.producers import MARKER, make_blob, terraform

N = MAX_INPUT_CHARS - 100
ADVERSARIAL = {
    "one-long-run": "a" * N,
    "spaces": "a" + " " * N + "b",
    "newlines": "Aq7" + "\n" * N,
    "lines-of-40": ("A1b" * 14 + "\n") * (N // 43),
    "users": "User: " * (N // 6),
    "unfinished-sentences": "User: x is not authorized to perform: a on resource: " * (N // 60),
    "markers": MARKER * (N // len(MARKER)),
    "escapes": "\\" * N + '"',
    "escapes-unclosed": '"allowed": ' + "\\" * N + "x",
    "wordy-lines": ("abcdefghij" * 4 + "\n") * (N // 41),
    "runs-without-newlines": ("A1b" * 14 + " ") * (N // 43),
    "nesting": '{"allowed": ' + "[" * (N - 20),
    "keys": '"items": [' * (N // 10),
    "values": '{"value": "x"}, ' * (N // 16),
    "conditions": '"conditions": {"items": [{"key": "k", "values": {"items": [' * (N // 60),
    "arns": "arn:aws:" * (N // 8),
    "hex": ("0123456789abcdef" * 2 + " request id: ") * (N // 45),
    "hints": "account=" * (N // 8),
    "links": "<http://x|" * (N // 10),
    "dots": "." * N,
    "box": "│ " * (N // 2),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_input_finishes(text: str) -> None:
    assert isinstance(parse_input(text), ParsedInput | Rejection)


@pytest.mark.timeout(10)
def test_large_realistic_paste_finishes() -> None:
    blob = make_blob(seed=3)
    text = ("build log line with some words\n" * 1000) + terraform(blob)
    result = parse_input(text[-40_000:])
    assert isinstance(result, ParsedInput)
    assert result.encoded_message == blob
