"""From a cut (or missing) encoded message to the whole one, read back from CloudTrail.

People paste what fits on their screen: the encoded authorization message is often cut, or left
out, while the text still names the API that was refused ("when calling the RunInstances
operation"). EC2 records each refusal in CloudTrail, and the event's ``errorMessage`` carries the
whole error text, encoded message included. So ``LookupEvents`` for that event name over the last
90 minutes, in the account's Regions in parallel and within the answer's budget, finds the event
whose message starts with the pasted piece, or, with no piece at all, the principal's most recent
refusal. Finding nothing is an answer, never a failure: the card then asks for the whole message.

CloudTrail answers about two ``LookupEvents`` per second per account and Region, so the calls to
one account and Region are spaced by a shared rate limiter, which never waits past the budget.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from bot.aws.error_mapping import THROTTLING_CODES, error_code
from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig
from bot.errors import BackupDoctorError
from bot.inputs.blob import find_blob

logger = logging.getLogger(__name__)

#: how far back a refusal is looked for (a pasted error is nearly always minutes old)
LOOKBACK: Final = timedelta(minutes=90)
#: pages of LookupEvents read per Region at most (50 events each)
MAX_PAGES: Final = 4
#: events per LookupEvents page (the most CloudTrail returns)
PAGE_SIZE: Final = 50
#: seconds between two LookupEvents to the same account and Region (CloudTrail allows ~2/s)
MIN_INTERVAL: Final = 0.5
#: error codes of a refused call in CloudTrail (EC2 writes ``Client.UnauthorizedOperation``)
DENIED_CODES: Final = frozenset(
    {
        "Client.UnauthorizedOperation",
        "UnauthorizedOperation",
        "AccessDenied",
        "AccessDeniedException",
        "Client.AccessDenied",
    }
)


@dataclass(frozen=True)
class RecoveredMessage:
    """A refused call as CloudTrail recorded it, with the whole encoded message if it has one."""

    event_id: str
    event_time: datetime
    region: str
    event_name: str
    principal_arn: str | None
    error_code: str | None
    error_message: str  # the event's whole errorMessage
    blob: str | None  # the complete encoded message in it, whitespace removed


class RateLimiter:
    """At most one call per ``interval`` seconds for each key, shared between threads.

    A caller reserves the next free slot of its key and sleeps until it; a slot later than the
    caller's ``timeout`` is not taken (``acquire`` returns False at once, without sleeping).
    """

    def __init__(
        self,
        interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[tuple[str, str], float] = {}

    def acquire(self, key: tuple[str, str], timeout: float) -> bool:
        """Wait for ``key``'s next slot; False (no wait) if it comes after ``timeout`` seconds."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            if slot - now > timeout:
                return False
            self._next[key] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
        return True


class CloudTrailRecovery:
    """Finds, in CloudTrail, the refused call whose whole error message the user could not paste."""

    def __init__(
        self,
        sessions: ReadSessions,
        budget_seconds: float,
        max_workers: int = 8,
        lookback: timedelta = LOOKBACK,
        *,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._sessions = sessions
        self._budget = budget_seconds
        self._lookback = lookback
        self._limiter = limiter or RateLimiter()
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="backup-doctor-trail")

    def close(self) -> None:
        """Stop the thread pool (waits for searches already running)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def find(
        self,
        called_api: str,
        account: AccountConfig,
        *,
        prefix: str | None = None,
        principal_arn: str | None = None,
        now: datetime | None = None,
    ) -> RecoveredMessage | None:
        """The refused ``called_api`` call in ``account`` the pasted text came from, or None.

        With ``prefix`` (the cut encoded message): the event whose encoded message starts with it
        and is longer, never another one. Without: the most recent refusal of ``principal_arn``
        (of anyone when it is None). The principal is ignored when a prefix is given.
        """
        wanted = "".join((prefix or "").split()) or None
        end = now or datetime.now(UTC)
        start = end - self._lookback
        deadline = time.monotonic() + self._budget
        futures = {
            self._executor.submit(
                self._search_in,
                account,
                region,
                called_api,
                start,
                end,
                wanted,
                principal_arn,
                deadline,
            )
            for region in account.regions
        }
        pending: set[Future[RecoveredMessage | None]] = futures
        found: list[RecoveredMessage] = []
        try:
            # a prefix names one message: the first match ends the wait; otherwise every Region
            # may hold a more recent refusal, so all are waited for (within the budget)
            while pending and not (wanted and found) and (left := deadline - time.monotonic()) > 0:
                done, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                found.extend(result for future in done if (result := future.result()) is not None)
        finally:
            for future in pending:
                future.cancel()
        return max(found, key=lambda message: message.event_time, default=None)

    def _search_in(
        self,
        account: AccountConfig,
        region: str,
        called_api: str,
        start: datetime,
        end: datetime,
        prefix: str | None,
        principal_arn: str | None,
        deadline: float,
    ) -> RecoveredMessage | None:
        """The Region's best event: LookupEvents lists the most recent first, so the first match."""
        try:
            client: Any = self._sessions.client(account.id, "cloudtrail", region)
            request: dict[str, Any] = {
                "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": called_api}],
                "StartTime": start,
                "EndTime": end,
                "MaxResults": PAGE_SIZE,
            }
            for _ in range(MAX_PAGES):
                left = deadline - time.monotonic()
                if left <= 0 or not self._limiter.acquire((account.id, region), left):
                    logger.info("no time left to read CloudTrail in %s %s", account.id, region)
                    return None
                page = client.lookup_events(**request)
                for event in page.get("Events", []):
                    message = _recovered(event, region)
                    if message is not None and _chosen(message, prefix, principal_arn):
                        return message
                token = page.get("NextToken")
                if not token:
                    return None
                request["NextToken"] = token
        except (ClientError, BotoCoreError, BackupDoctorError) as exc:
            code = error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
            if code in THROTTLING_CODES:
                logger.info(
                    "CloudTrail throttled LookupEvents in %s %s: %s", account.id, region, code
                )
            else:
                logger.info("could not look up CloudTrail in %s %s: %s", account.id, region, code)
        return None


def _chosen(message: RecoveredMessage, prefix: str | None, principal_arn: str | None) -> bool:
    if prefix is not None:
        blob = message.blob or ""
        return blob.startswith(prefix) and len(blob) > len(prefix)
    return principal_arn is None or message.principal_arn == principal_arn


def _recovered(event: dict[str, Any], region: str) -> RecoveredMessage | None:
    """The denied call an event of LookupEvents records, or None (not denied, or unreadable)."""
    try:
        record = json.loads(event.get("CloudTrailEvent") or "")
    except (TypeError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    message, code = record.get("errorMessage", ""), record.get("errorCode")
    if not isinstance(message, str) or not (code is None or isinstance(code, str)):
        return None
    if code not in DENIED_CODES and "not authorized" not in message.lower():
        return None
    event_id = event.get("EventId") or record.get("eventID")
    event_time = _event_time(event.get("EventTime"), record.get("eventTime"))
    if not isinstance(event_id, str) or event_time is None:
        return None
    identity = record.get("userIdentity")
    principal = identity.get("arn") if isinstance(identity, dict) else None
    found = find_blob(message)
    blob = found.encoded if found and not found.truncated else None
    return RecoveredMessage(
        event_id=event_id,
        event_time=event_time,
        region=_text(record.get("awsRegion")) or region,
        event_name=_text(record.get("eventName")) or _text(event.get("EventName")) or "",
        principal_arn=_text(principal),
        error_code=code,
        error_message=message,
        blob="".join(blob.split()) if blob else None,
    )


def _event_time(listed: object, recorded: object) -> datetime | None:
    """The event's time, timezone-aware in UTC: LookupEvents' EventTime, else the record's."""
    when = listed if isinstance(listed, datetime) else None
    if when is None and isinstance(recorded, str):
        try:
            when = datetime.fromisoformat(recorded)
        except ValueError:
            return None
    if when is None:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
