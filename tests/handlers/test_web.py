"""The HTTP surface: signatures are verified, health and readiness tell the truth."""

from __future__ import annotations

import logging
import time

import pytest
import requests

from tests.handlers.conftest import BotUnderTest
from tests.support.slack_requests import command_body, post_signed, signed_headers


def test_healthz_says_the_process_is_alive(bot: BotUnderTest) -> None:
    response = requests.get(f"{bot.base}/healthz", timeout=5)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ready_while_redis_answers(bot: BotUnderTest) -> None:
    assert requests.get(f"{bot.base}/readyz", timeout=5).status_code == 200


def test_readyz_is_503_when_redis_is_unreachable(bot: BotUnderTest) -> None:
    import redis

    bot.services.redis = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    response = requests.get(f"{bot.base}/readyz", timeout=5)
    assert response.status_code == 503
    assert response.json()["reason"] == "redis unreachable"


def test_metrics_are_exposed_for_prometheus(bot: BotUnderTest) -> None:
    response = requests.get(f"{bot.base}/metrics", timeout=5)
    assert response.status_code == 200
    assert "backup_doctor_queue_depth" in response.text


BODY = command_body("help")


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/x-www-form-urlencoded"},
        signed_headers(BODY, secret="not-the-signing-secret"),
        signed_headers(BODY, timestamp=int(time.time()) - 6 * 60),
        signed_headers(command_body("something else")),
    ],
    ids=["unsigned", "wrong-secret", "six-minutes-old", "tampered-body"],
)
def test_requests_not_signed_by_slack_get_401_and_no_answer(
    bot: BotUnderTest, headers: dict[str, str]
) -> None:
    response = requests.post(bot.url, data=BODY.encode(), headers=headers, timeout=5)
    assert response.status_code == 401
    assert bot.slack.calls == [c for c in bot.slack.calls if c.method == "auth.test"]


def test_a_correctly_signed_request_is_accepted(bot: BotUnderTest) -> None:
    assert post_signed(bot.url, BODY).status_code == 200


def test_metrics_count_commands_decodes_and_aws_calls_after_a_decode(bot: BotUnderTest) -> None:
    from tests.handlers.conftest import BLOB

    body = command_body(
        f"Encoded authorization failure message: {BLOB}", response_url=bot.slack.response_url("m")
    )
    post_signed(bot.url, body)
    bot.slack.wait_for("chat.postMessage", 2)
    text = requests.get(f"{bot.base}/metrics", timeout=5).text
    for series in (
        'backup_doctor_commands_total{entry="slash_command"}',
        'backup_doctor_decodes_total{outcome="ok"}',
        "backup_doctor_decode_seconds_count",
        'backup_doctor_aws_calls_total{operation="DecodeAuthorizationMessage",service="sts"}',
        'backup_doctor_aws_calls_total{operation="AssumeRole",service="sts"}',
        "backup_doctor_queue_depth 0.0",
    ):
        assert series in text, series


def test_log_lines_of_a_request_carry_its_request_id(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.observability.logs import request_id_var

    seen: list[str | None] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(request_id_var.get())

    spy = Spy()
    logging.getLogger("handlers").addHandler(spy)
    logging.getLogger("handlers").setLevel(logging.INFO)
    try:
        post_signed(bot.url, command_body("help"))
    finally:
        logging.getLogger("handlers").removeHandler(spy)
    assert seen
    assert all(seen)


def test_starting_the_app_logs_no_misleading_token_warning(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.app import create_app

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    with caplog.at_level(logging.WARNING, logger="slack_bolt"):
        create_app(bot.services)
    assert "will be unused" not in caplog.text
