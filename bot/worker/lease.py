"""A running fix's lease in Redis: held while it runs, lapsing soon after its worker dies.

The value is "<pid>:<run token>": which process holds it (for operators) and which run (so a run
that lost its lease, because recovery started another, cannot renew or release the new one).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

logger = logging.getLogger(__name__)


def lease_key(prefix: str, request_id: str) -> str:
    """The key a running fix holds (and renews) while its worker is alive."""
    return f"{prefix}:lease:{request_id}"


@contextmanager
def hold_lease(client: redis.Redis, prefix: str, request_id: str, seconds: int) -> Iterator[None]:
    """Hold ``<prefix>:lease:<id>`` while the fix runs; it lapses soon after a worker dies.

    The lease holds a token of this run: a run renews and releases only its own lease, so a run
    that lost it (its lease lapsed and recovery started another) cannot release the new one.
    """
    # "<pid>:<run>": which process holds it (for operators), and which run (for ownership)
    token = f"{os.getpid()}:{uuid.uuid4().hex}"
    key, stop = lease_key(prefix, request_id), threading.Event()
    client.set(key, token, ex=seconds)

    def renew() -> None:
        while not stop.wait(seconds / 3):
            try:
                if not client.eval(_RENEW_IF_MINE, 1, key, token, seconds):
                    logger.warning("lost the lease of %s to another run", request_id)
                    return
            except redis.RedisError as exc:
                logger.warning("could not renew the lease of %s: %s", request_id, exc)

    threading.Thread(target=renew, name=f"lease-{request_id}", daemon=True).start()
    try:
        yield
    finally:
        stop.set()
        client.eval(_RELEASE_IF_MINE, 1, key, token)


#: renew the lease only if this run still holds it (compare-and-expire)
_RENEW_IF_MINE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
#: release the lease only if this run still holds it (compare-and-delete)
_RELEASE_IF_MINE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
