"""Redis failures become ``StateUnavailable``: the user learns nothing changed and to retry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis.exceptions

from bot.errors import StateUnavailable

UNREACHABLE = "Redis is unreachable: nothing was changed; try again in a minute"
REFUSED = "Redis refused the change: nothing was changed; try again in a minute"


@contextmanager
def redis_errors() -> Iterator[None]:
    """Map connection and server errors raised inside the block to ``StateUnavailable``."""
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        raise StateUnavailable(UNREACHABLE) from exc
    except redis.exceptions.ResponseError as exc:
        # out of memory, read-only replica, wrong key type: the script wrote nothing (see scripts)
        raise StateUnavailable(REFUSED) from exc


def text(value: bytes | str) -> str:
    """A Redis reply part as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
