"""The pool that does slow work after the ack, apart from the threads that serve requests.

Bolt listeners ack inline (``process_before_response=True``) and submit their slow part here, so a
burst of commands never delays another command's ack (see docs/architecture.md).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bot.errors import BackupDoctorError

logger = logging.getLogger(__name__)

ErrorReporter = Callable[[BaseException], None]


class WorkPool:
    """A bounded thread pool whose tasks never fail silently."""

    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="work")

    def submit(
        self, task: Callable[..., Any], *args: Any, on_error: ErrorReporter | None = None
    ) -> Future[Any]:
        """Run ``task(*args)`` in the pool with the caller's context (request id for logs).

        An exception is logged with its traceback and handed to ``on_error``, which tells the
        user something useful; it never vanishes.
        """
        context = contextvars.copy_context()

        def run() -> Any:
            try:
                return context.run(task, *args)
            except BackupDoctorError as exc:
                # expected (bad input, not allowed, stale button): the user is told, no traceback
                logger.info("%s: %s", exc.code, exc.user_message)
                if on_error is not None:
                    context.run(on_error, exc)
                return None
            except Exception as exc:
                logger.exception("background task %s failed", getattr(task, "__name__", task))
                if on_error is not None:
                    try:
                        context.run(on_error, exc)
                    except Exception:
                        logger.exception("could not report the failure to the user")
                raise

        return self._executor.submit(run)

    def shutdown(self, wait: bool = True) -> None:
        """Finish queued tasks (``wait``) and stop the threads."""
        self._executor.shutdown(wait=wait)
