"""Properties over generated input: parse_input never raises and finds blobs wherever they sit."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.inputs import parse_input
from bot.models import ParsedInput, Rejection
from tests.bot.inputs.producers import BLOB_ALPHABET, MARKER, wrapped
from tests.bot.inputs.test_decoded_json import COMPACT, MESSAGE, PRETTY

blobs = st.text(alphabet=BLOB_ALPHABET, min_size=400, max_size=1200).map(lambda b: "Aq7" + b)
# Prose words and punctuation; a blob needs a separator from its neighbours to be findable.
words = st.from_regex(r"[A-Za-z]{1,12}[.,:;!?]?", fullmatch=True)
prose = st.lists(words, max_size=30).map(" ".join)
interesting = st.sampled_from(
    [MARKER, "User:", "is not authorized to perform:", "arn:aws:backup:", "{", '"allowed"', "\n"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert isinstance(parse_input(text), ParsedInput | Rejection)


@settings(max_examples=300)
@given(st.lists(st.one_of(interesting, st.text(max_size=20)), max_size=25).map("".join))
def test_text_near_the_grammar_never_raises(text: str) -> None:
    assert isinstance(parse_input(text), ParsedInput | Rejection)


@settings(max_examples=150)
@given(before=prose, after=prose, blob=blobs, labelled=st.booleans(), wrap=st.booleans())
def test_blob_in_prose_is_extracted_exactly(
    before: str, after: str, blob: str, labelled: bool, wrap: bool
) -> None:
    body = wrapped(blob) if wrap else blob
    label = f"{MARKER} " if labelled else ""
    result = parse_input(f"{before}\n{label}{body}\n\n{after}")
    assert isinstance(result, ParsedInput)
    assert result.encoded_message == blob
    assert result.truncated is False


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=len(PRETTY)), st.integers(min_value=0, max_value=40))
def test_any_cut_of_a_decoded_message_keeps_what_precedes_the_cut(start: int, span: int) -> None:
    text = PRETTY[:start] + "\n…\n" + PRETTY[start + span :]
    result = parse_input(text)
    assert isinstance(result, ParsedInput | Rejection)
    action_at = PRETTY.index('"action": "ec2:RunInstances"')
    if isinstance(result, ParsedInput) and start > action_at + 30:
        assert result.decoded is not None
        assert result.decoded["context"]["action"] == "ec2:RunInstances"


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=len(COMPACT)), st.booleans())
def test_truncated_escaped_wrapper_never_raises(end: int, escape_twice: bool) -> None:
    inner = json.dumps(COMPACT) if escape_twice else COMPACT
    text = json.dumps({"DecodedMessage": inner})[: end + 20]
    result = parse_input(text)
    assert isinstance(result, ParsedInput | Rejection)
    if isinstance(result, ParsedInput) and result.decoded_partial is False:
        assert result.decoded == MESSAGE
