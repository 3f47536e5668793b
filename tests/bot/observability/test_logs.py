"""JSON log lines on stderr: one object per line, the request id on each, no secrets."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.after_ack import WorkPool
from bot.observability.logs import bind_request_id, configure_logging, request_id_var

pytestmark = pytest.mark.usefixtures("restore_root_logger")

SLACK_BOT_TOKEN = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every stderr line written so far, parsed (each must be one JSON object)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_each_line_is_json_with_level_logger_message_and_timestamp(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info")
    logging.getLogger("bot.pipeline").info("decoded %d message(s)", 2)

    (line,) = lines(capsys)
    assert line["level"] == "INFO"
    assert line["logger"] == "bot.pipeline"
    assert line["message"] == "decoded 2 message(s)"
    assert line["timestamp"].endswith("+00:00")


def test_the_level_name_filters_lines_case_insensitively(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("warning")
    logging.getLogger("bot").info("hidden")
    logging.getLogger("bot").warning("shown")

    assert [line["message"] for line in lines(capsys)] == ["shown"]


def test_lines_carry_the_bound_request_id_and_null_outside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    log = logging.getLogger("bot.handlers")
    with bind_request_id("req-42") as bound:
        log.info("inside")
    log.info("outside")

    inside, outside = lines(capsys)
    assert bound == "req-42"
    assert inside["request_id"] == "req-42"
    assert outside["request_id"] is None
    assert request_id_var.get() is None


def test_a_fresh_request_id_is_made_when_none_is_given() -> None:
    with bind_request_id() as first, bind_request_id() as second:
        assert request_id_var.get() == second
    assert len(first) == 32
    assert first != second


def test_the_request_id_follows_work_into_the_pool(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    pool = WorkPool(threads=1)
    with bind_request_id("req-pool"):
        pool.submit(logging.getLogger("bot.after_ack").info, "in the pool").result(timeout=5)
    pool.shutdown()

    assert lines(capsys)[-1]["request_id"] == "req-pool"


@pytest.mark.parametrize(
    ("message", "args", "secret"),
    [
        ("token %s", (SLACK_BOT_TOKEN,), SLACK_BOT_TOKEN),
        (
            "app token %s",
            ("xapp-1-A0123456789-1234567890123-abcdef0123456789",),
            "abcdef0123456789",
        ),
        ("user token %s", ("xoxp-1234-5678-90ab-cdef1234567890",), "cdef1234567890"),
        ("rotating %s", ("xoxe.xoxb-1-MS0yLTEyMzQ1Njc4OTAxMi0x",), "MS0yLTEyMzQ1Njc4OTAxMi0x"),
        ("refresh %s", ("xoxe-1-My0xLTEyMzQ1Njc4OTAxMi0y",), "My0xLTEyMzQ1Njc4OTAxMi0y"),
        ("key id %s", (ACCESS_KEY,), "IOSFODNN7EXAMPLE"),
        ("temporary key %s", ("ASIAY34FZKBOKMUTVV7A",), "Y34FZKBOKMUTVV7A"),
        ("aws_secret_access_key=%s", (SECRET_KEY,), SECRET_KEY),
        ("bare secret %s in text", (SECRET_KEY,), SECRET_KEY),
        ("session %s", ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD",), "wEaCXVz"),
        ("headers %s", ({"Authorization": "Bearer abc.def.ghi", "Accept": "*/*"},), "abc.def.ghi"),
        (
            "Authorization: AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/sts, Signature=%s",
            (ACCESS_KEY, "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"),
            "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
        ),
        ("SLACK_SIGNING_SECRET=%s", (SIGNING_SECRET,), SIGNING_SECRET),
        ("settings %r", ({"signing_secret": SIGNING_SECRET},), SIGNING_SECRET),
        (
            "X-Slack-Signature: %s",
            ("v0=a2114d57b48eac39b9ad189dd8316235a7b4",),
            "a2114d57b48eac39b9",
        ),
        ("redis %s", ("rediss://default:Sup3rS3cret@redis.internal:6380/0",), "Sup3rS3cret"),
        (
            "webhook %s",
            ("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX",),
            "XXXXXXXX",
        ),
    ],
)
def test_secrets_in_messages_and_args_never_reach_the_log(
    capsys: pytest.CaptureFixture[str], message: str, args: tuple[object, ...], secret: str
) -> None:
    configure_logging("INFO")
    logging.getLogger("bot").info(message, *args)

    output = capsys.readouterr().err
    assert secret not in output
    assert "[REDACTED]" in output
    json.loads(output)


def test_secrets_in_extra_fields_and_tracebacks_are_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    log = logging.getLogger("bot.aws")
    try:
        raise RuntimeError(f"assume role failed with key {ACCESS_KEY} and {SECRET_KEY}")
    except RuntimeError:
        log.exception(
            "call failed",
            extra={"slack_bot_token": "anything", "credentials": {"SecretAccessKey": "x1"}},
        )

    output = capsys.readouterr().err
    (line,) = [json.loads(raw) for raw in output.splitlines()]
    for secret in (ACCESS_KEY, SECRET_KEY, "anything", '"x1"'):
        assert secret not in output
    assert "RuntimeError" in line["exc_info"]
    assert line["slack_bot_token"] == "[REDACTED]"


def test_ordinary_aws_identifiers_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "restore job 3B2C1A0F-1234-5678-9ABC-DEF012345678 in 111122223333 as "
        "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole "
        "(AROAEXAMPLEROLEID1234) denied iam:PassRole"
    )
    configure_logging("INFO")
    logging.getLogger("bot").info(text)

    assert lines(capsys)[0]["message"] == text


def test_a_bad_format_string_still_logs_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    logging.getLogger("bot").info("%d tokens", SLACK_BOT_TOKEN)

    output = capsys.readouterr().err
    assert SLACK_BOT_TOKEN not in output
    assert "tokens" in output
