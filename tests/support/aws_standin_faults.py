"""Call counters, injected faults and added latency for the AWS stand-in.

Operations are named ``service:Operation`` (``sts:DecodeAuthorizationMessage``,
``backup:DescribeRestoreJob``, ``sts:AssumeRole``). A selector given to :meth:`FaultPlan.inject`
or :meth:`FaultPlan.set_latency` may be that full name, the bare operation name or ``*`` for all.
Every AWS request that reaches the stand-in is counted, including the ones answered by an injected
fault and the SDK's own retries, because each is one call that AWS would have billed and throttled.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

from tests.support.aws_standin_wire import AwsError

FAULT_KINDS = ("throttle", "unavailable", "internal")
"""What an injected fault answers: throttling, HTTP 503 or HTTP 500."""


def selector_matches(selector: str, operation: str) -> bool:
    """Whether ``selector`` (``*``, ``service:Operation`` or ``Operation``) names ``operation``."""
    return selector in ("*", operation) or selector == operation.split(":", 1)[-1]


def fault_error(kind: str, protocol: str) -> AwsError:
    """The error a fault of ``kind`` produces in ``protocol`` ("query" or a JSON protocol)."""
    if kind == "throttle":
        if protocol == "query":
            return AwsError("Throttling", "Rate exceeded", 400)
        return AwsError("ThrottlingException", "Rate exceeded", 429)
    if kind == "unavailable":
        code = "ServiceUnavailable" if protocol == "query" else "ServiceUnavailableException"
        return AwsError(code, "Service is unavailable, try again later", 503, sender_fault=False)
    if kind == "internal":
        return AwsError("InternalFailure", "An internal error occurred", 500, sender_fault=False)
    raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")


@dataclass
class Fault:
    """An injected fault: the next ``remaining`` matching calls fail (``None``: all of them)."""

    selector: str
    kind: str
    remaining: int | None


class FaultPlan:
    """Thread-safe counters, faults and latencies shared by all request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._faults: list[Fault] = []
        self._latency: dict[str, float] = {}

    def inject(self, operation: str = "*", kind: str = "throttle", count: int | None = 1) -> None:
        """Make the next ``count`` calls of ``operation`` fail with ``kind`` (``None``: all)."""
        fault_error(kind, "query")  # rejects unknown kinds now rather than at call time
        if count is not None and count < 1:
            raise ValueError("count must be at least 1, or None for every call")
        with self._lock:
            self._faults.append(Fault(operation, kind, count))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def set_latency(self, seconds: float, operation: str = "*") -> None:
        """Delay every call of ``operation`` by ``seconds`` (0 removes it); most specific wins."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            if seconds:
                self._latency[operation] = seconds
            else:
                self._latency.pop(operation, None)

    def record_call(self, operation: str) -> tuple[float, str | None]:
        """Count one call; return the latency to add and the fault kind to answer with, if any."""
        with self._lock:
            self._calls[operation] += 1
            return self._latency_for(operation), self._take_fault(operation)

    def _latency_for(self, operation: str) -> float:
        for selector in (operation, operation.split(":", 1)[-1], "*"):
            if selector in self._latency:
                return self._latency[selector]
        return 0.0

    def _take_fault(self, operation: str) -> str | None:
        for fault in self._faults:
            if selector_matches(fault.selector, operation):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault.kind
        return None

    def calls(self) -> dict[str, int]:
        """Calls received per operation since the last reset."""
        with self._lock:
            return dict(self._calls)

    def reset_calls(self) -> None:
        """Set every call counter back to zero."""
        with self._lock:
            self._calls.clear()

    def reset(self) -> None:
        """Forget counters, faults and latencies."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._latency.clear()
