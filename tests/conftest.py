"""Fixtures shared by every test: a real Redis (REDIS_URL or the embedded server), per-test keys.

Each test gets its own key prefix and its keys are deleted afterwards, so tests can share one
server (and a developer's Redis) without seeing each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.redis_server import RedisEndpoint, start_embedded


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set (CI exports a spare database), else an embedded server for this run."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    endpoint: RedisEndpoint = start_embedded(Path(tmp_path_factory.mktemp("redis")))
    yield endpoint.url
    endpoint.stop()


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix no other test uses."""
    return f"bdtest-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_client(redis_url: str, redis_prefix: str) -> Iterator[redis.Redis]:
    """A client on the test Redis; every key under this test's prefix is removed afterwards."""
    client = redis.Redis.from_url(redis_url)
    yield client
    keys = list(client.scan_iter(match=f"{redis_prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()
