"""A Redis restart with its append-only file loses no request, audit event or queued fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.models import Diagnosis, ParsedInput
from bot.redis_server import RedisEndpoint, start_embedded
from bot.state import RequestStore
from bot.worker.queues import fix_queue


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisEndpoint]:
    endpoint = start_embedded(tmp_path)
    yield endpoint
    endpoint.stop()


def restart(endpoint: RedisEndpoint, data_dir: Path) -> RedisEndpoint:
    """Stop the server and start it again on the same port and data (AOF replay)."""
    port = int(endpoint.url.rsplit(":", 1)[1])
    endpoint.stop()
    return start_embedded(data_dir, port=port)


def test_requests_audit_and_queued_fixes_survive_a_restart(
    server: RedisEndpoint, tmp_path: Path
) -> None:
    client = redis.Redis.from_url(server.url)
    store = RequestStore(client, "bd", ttl_seconds=3600, approval_timeout_seconds=3600)
    diagnosis = Diagnosis(input=ParsedInput(kind="job_id"))
    request = store.create(diagnosis, "C1", "1.0", "UASKER", "111122223333", "us-east-1")
    job = fix_queue(client, "bd").enqueue("bot.worker.tasks.run_fix", request.id)
    client.close()

    back = restart(server, tmp_path)
    try:
        client = redis.Redis.from_url(back.url)
        store = RequestStore(client, "bd", ttl_seconds=3600, approval_timeout_seconds=3600)
        assert store.get(request.id).state == "DIAGNOSED"
        assert [e["to"] for e in store.audit_events(request.id)] == ["DIAGNOSED"]
        assert fix_queue(client, "bd").job_ids == [job.id]
        assert client.ttl(f"bd:req:{request.id}") > 0
    finally:
        back.stop()
