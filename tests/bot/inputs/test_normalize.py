"""What Slack and terminals do to a paste is undone before parsing."""

from __future__ import annotations

import pytest

from bot.inputs.normalize import looks_binary, normalize_text


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("&lt;Message&gt;a &amp;amp; b&lt;/Message&gt;", "<Message>a &amp; b</Message>"),
        (
            "session <mailto:ana@example.com|ana@example.com> denied",
            "session ana@example.com denied",
        ),
        ("see <https://docs.aws.amazon.com/x>", "see https://docs.aws.amazon.com/x"),
        ("on <http://backup.amazonaws.com|backup.amazonaws.com>", "on backup.amazonaws.com"),
        ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("a\u200bb\ufeffc\u2060d", "abcd"),
        ("a\u00a0b", "a b"),
        ("```code```", "\ncode\n"),
        ("`inline`", " inline "),
        ("line\r\nnext", "line\nnext"),
        ("│ Error: x\n│ \tstatus code: 403", "Error: x\n\tstatus code: 403"),
        ("&gt; quoted line\n&gt; second", "quoted line\nsecond"),
        ("bell\x07 here", "bell here"),
    ],
)
def test_normalize(raw: str, plain: str) -> None:
    assert normalize_text(raw) == plain


def test_a_few_control_characters_are_noise() -> None:
    assert looks_binary("error\x00 text with one stray NUL" * 3) is False


def test_many_control_characters_are_binary() -> None:
    assert looks_binary("\x00\x01\x02\x03PK\x03\x04" * 20) is True
