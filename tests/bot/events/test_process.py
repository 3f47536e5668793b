"""``python -m bot events``: which queue, in which Region, and nothing to do without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import BotConfig, EventsConfig, Settings
from bot.events.process import NO_QUEUE, queue_region, queue_url, run_events


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://sqs.eu-west-1.amazonaws.com/111122223333/backup-doctor-events", "eu-west-1"),
        ("https://sqs.ap-northeast-2.amazonaws.com/111122223333/q", "ap-northeast-2"),
        ("https://us-gov-west-1.queue.amazonaws.com/111122223333/q", "us-gov-west-1"),
        ("https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q", "cn-north-1"),
        ("http://127.0.0.1:5000/111122223333/q", "ca-central-1"),  # behind AWS_ENDPOINT_URL
        ("http://localhost:4566/000000000000/q", "ca-central-1"),
    ],
)
def test_the_region_comes_from_the_queue_url_else_the_default(url: str, region: str) -> None:
    assert queue_region(url, "ca-central-1") == region


def test_without_any_default_region_the_fallback_is_named() -> None:
    assert queue_region("http://127.0.0.1:5000/1/q", None) == "us-east-1"


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, config_file=tmp_path / "x.yaml", **values)  # type: ignore[call-arg]


def test_the_environment_wins_over_the_accounts_file(tmp_path: Path) -> None:
    config = BotConfig(events=EventsConfig(queue_url="https://sqs.us-east-1.amazonaws.com/1/file"))
    assert queue_url(_settings(tmp_path), config) == "https://sqs.us-east-1.amazonaws.com/1/file"
    env = _settings(tmp_path, events_queue_url="https://sqs.us-east-1.amazonaws.com/1/env")
    assert queue_url(env, config) == "https://sqs.us-east-1.amazonaws.com/1/env"


def test_no_queue_says_so_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_events(_settings(tmp_path), BotConfig(), "redis://127.0.0.1:1/0") == 0
    assert NO_QUEUE in capsys.readouterr().out
    assert "EVENTS_QUEUE_URL" in NO_QUEUE
