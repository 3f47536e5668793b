"""From a cut or missing blob to the whole one: LookupEvents through Stubber (moto has none)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.aws.cloudtrail import (
    LOOKBACK,
    MAX_PAGES,
    MIN_INTERVAL,
    CloudTrailRecovery,
    RateLimiter,
    RecoveredMessage,
)
from bot.aws.sessions import ReadSessions
from tests.bot.aws.conftest import PROD

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
BLOB = "AQoDYXdzEJr" + "k3Jx-_9aZq" * 60
OTHER_BLOB = "AQoDYXdzEPm" + "Wq7_t-2LbN" * 60
CUT = BLOB[:180]
KARPENTER = "arn:aws:sts::111111111111:assumed-role/karpenter/1700000000000000000"
DEPLOYER = "arn:aws:sts::111111111111:assumed-role/deployer/ci-4711"
EAST_ONLY = PROD.model_copy(update={"regions": ["us-east-1"]})


class FakeClock:
    """A monotonic clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cloudtrail(sessions: ReadSessions, stub: Callable[[Any], Stubber]) -> Callable[[str], Stubber]:
    stubbers: dict[str, Stubber] = {}

    def for_region(region: str) -> Stubber:
        if region not in stubbers:
            stubbers[region] = stub(sessions.client(PROD.id, "cloudtrail", region))
        return stubbers[region]

    return for_region


@pytest.fixture
def recovery(
    sessions: ReadSessions, cloudtrail: Callable[[str], Stubber], clock: FakeClock
) -> Iterator[CloudTrailRecovery]:
    # set up after the Stubbers, so closed (running searches done) before they are checked
    found = CloudTrailRecovery(
        sessions, budget_seconds=5, limiter=RateLimiter(clock=clock, sleep=clock.sleep)
    )
    yield found
    found.close()


def denied_message(blob: str | None, principal: str = KARPENTER) -> str:
    text = (
        f"You are not authorized to perform this operation. User: {principal} is not authorized "
        "to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:111111111111:instance/* "
        "because no identity-based policy allows the ec2:RunInstances action."
    )
    return f"{text} Encoded authorization failure message: {blob}" if blob else text


def event(
    event_id: str,
    at: datetime,
    region: str = "us-east-1",
    *,
    principal: str = KARPENTER,
    blob: str | None = BLOB,
    error_code: str | None = "Client.UnauthorizedOperation",
    error_message: str | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """One LookupEvents item, its CloudTrailEvent as EC2 writes it for a refused RunInstances."""
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:1700000000000000000",
            "arn": principal,
            "accountId": PROD.id,
        },
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "ec2.amazonaws.com",
        "eventName": "RunInstances",
        "awsRegion": region,
        "sourceIPAddress": "10.0.12.7",
        "userAgent": "aws-sdk-go-v2/1.30.3",
        "requestID": "3b1c6f0e-8d2a-4c55-9f1e-2a7d8c9b0e11",
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": PROD.id,
        "eventCategory": "Management",
    }
    if error_code is not None:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message or denied_message(blob, principal)
    return {
        "EventId": event_id,
        "EventName": "RunInstances",
        "ReadOnly": "false",
        "EventTime": at,
        "EventSource": "ec2.amazonaws.com",
        "Username": principal.rsplit("/", 1)[-1],
        "Resources": [],
        "CloudTrailEvent": json.dumps(record) if body is None else body,
    }


def listed(
    stubber: Stubber,
    events: list[dict[str, Any]],
    *,
    token: str | None = None,
    next_token: str | None = None,
) -> None:
    """One page of RunInstances events of the last LOOKBACK: the request the search must make."""
    expected: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}],
        "StartTime": NOW - LOOKBACK,
        "EndTime": NOW,
        "MaxResults": 50,
    }
    if token:
        expected["NextToken"] = token
    response: dict[str, Any] = {"Events": events}
    if next_token:
        response["NextToken"] = next_token
    stubber.add_response("lookup_events", response, expected)


def at(minute: int) -> datetime:
    return NOW.replace(hour=8, minute=minute)


def test_a_cut_blob_is_completed_from_the_region_whose_event_starts_with_it(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(cloudtrail("us-east-1"), [event("e-east", at(50), blob=OTHER_BLOB)])
    listed(cloudtrail("eu-west-1"), [event("e-west", at(40), "eu-west-1")])

    found = recovery.find("RunInstances", PROD, prefix=CUT, now=NOW)

    assert found == RecoveredMessage(
        event_id="e-west",
        event_time=at(40),
        region="eu-west-1",
        event_name="RunInstances",
        principal_arn=KARPENTER,
        error_code="Client.UnauthorizedOperation",
        error_message=denied_message(BLOB),
        blob=BLOB,
    )


def test_a_wrapped_prefix_is_matched_without_its_whitespace(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(cloudtrail("us-east-1"), [event("e1", at(40))])

    found = recovery.find("RunInstances", EAST_ONLY, prefix=f"{CUT[:90]}\n  {CUT[90:]}", now=NOW)

    assert found is not None
    assert found.blob == BLOB


def test_a_prefix_no_event_starts_with_finds_nothing_rather_than_another_message(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(
        cloudtrail("us-east-1"),
        [event("e1", at(50), blob=OTHER_BLOB), event("e2", at(45), blob=None)],
    )
    listed(cloudtrail("eu-west-1"), [event("e3", at(40), "eu-west-1", blob=OTHER_BLOB)])

    assert recovery.find("RunInstances", PROD, prefix=CUT, principal_arn=KARPENTER, now=NOW) is None


def test_the_whole_blob_is_no_cut_prefix_of_itself(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(cloudtrail("us-east-1"), [event("e1", at(40))])

    assert recovery.find("RunInstances", EAST_ONLY, prefix=BLOB, now=NOW) is None


def test_without_a_prefix_the_principals_most_recent_refusal_wins(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(
        cloudtrail("us-east-1"),
        [
            event("deployer-newest", at(55), principal=DEPLOYER, blob=OTHER_BLOB),
            event("karpenter-recent", at(40)),
            event("karpenter-old-east", at(5), blob=OTHER_BLOB),
        ],
    )
    listed(cloudtrail("eu-west-1"), [event("karpenter-old", at(10), "eu-west-1")])

    found = recovery.find("RunInstances", PROD, principal_arn=KARPENTER, now=NOW)

    assert found is not None
    assert (found.event_id, found.region, found.principal_arn) == (
        "karpenter-recent",
        "us-east-1",
        KARPENTER,
    )


def test_without_a_prefix_or_principal_the_most_recent_refusal_of_anyone_wins(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(cloudtrail("us-east-1"), [event("karpenter", at(40))])
    listed(
        cloudtrail("eu-west-1"),
        [event("deployer", at(55), "eu-west-1", principal=DEPLOYER, blob=OTHER_BLOB)],
    )

    found = recovery.find("RunInstances", PROD, now=NOW)

    assert found is not None
    assert (found.event_id, found.blob) == ("deployer", OTHER_BLOB)


def test_calls_that_were_not_refused_are_ignored(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(
        cloudtrail("us-east-1"),
        [
            event("succeeded", at(58), error_code=None),
            event(
                "other-error",
                at(55),
                error_code="InsufficientInstanceCapacity",
                error_message="We currently do not have sufficient capacity.",
            ),
            event("refused", at(40), error_code="AccessDenied", blob=None),
        ],
    )

    found = recovery.find("RunInstances", EAST_ONLY, principal_arn=KARPENTER, now=NOW)

    assert found is not None
    assert (found.event_id, found.error_code, found.blob) == ("refused", "AccessDenied", None)


def test_a_refusal_is_recognised_by_its_message_when_the_code_is_another(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    listed(cloudtrail("us-east-1"), [event("e1", at(40), error_code="Client.SomethingElse")])

    found = recovery.find("RunInstances", EAST_ONLY, prefix=CUT, now=NOW)

    assert found is not None
    assert found.error_code == "Client.SomethingElse"


def test_the_next_pages_are_read_until_the_event_is_found(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber], clock: FakeClock
) -> None:
    east = cloudtrail("us-east-1")
    listed(east, [event("e1", at(50), blob=OTHER_BLOB)], next_token="page-2")
    listed(east, [event("e2", at(40))], token="page-2", next_token="page-3")

    found = recovery.find("RunInstances", EAST_ONLY, prefix=CUT, now=NOW)

    assert found is not None
    assert found.event_id == "e2"
    assert clock.sleeps == [MIN_INTERVAL]  # the second page waited its turn


def test_no_more_than_max_pages_are_read(
    recovery: CloudTrailRecovery,
    cloudtrail: Callable[[str], Stubber],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.cloudtrail")
    east = cloudtrail("us-east-1")
    for page in range(MAX_PAGES):
        token = f"page-{page + 1}" if page else None
        listed(
            east,
            [event(f"e{page}", at(50), blob=OTHER_BLOB)],
            token=token,
            next_token=f"page-{page + 2}",
        )

    assert recovery.find("RunInstances", EAST_ONLY, prefix=CUT, now=NOW) is None
    assert caplog.text == ""  # a fifth, unstubbed, request would be logged as an error


def test_a_throttled_region_ends_quietly_and_the_other_still_finds_it(
    recovery: CloudTrailRecovery,
    cloudtrail: Callable[[str], Stubber],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.cloudtrail")
    cloudtrail("us-east-1").add_client_error(
        "lookup_events", "ThrottlingException", "Rate exceeded", 400
    )
    listed(cloudtrail("eu-west-1"), [event("e-west", at(40), "eu-west-1")])

    found = recovery.find("RunInstances", PROD, principal_arn=KARPENTER, now=NOW)

    assert found is not None
    assert found.event_id == "e-west"
    assert "ThrottlingException" in caplog.text
    assert all(record.levelno == logging.INFO for record in caplog.records)


def test_a_read_role_that_may_not_look_up_events_finds_nothing_and_says_so_in_the_log(
    recovery: CloudTrailRecovery,
    cloudtrail: Callable[[str], Stubber],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.cloudtrail")
    for region in PROD.regions:
        cloudtrail(region).add_client_error("lookup_events", "AccessDeniedException", "no", 400)

    assert recovery.find("RunInstances", PROD, now=NOW) is None
    assert "AccessDeniedException" in caplog.text


def test_an_account_without_a_read_session_finds_nothing(
    recovery: CloudTrailRecovery, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.cloudtrail")
    unknown = PROD.model_copy(update={"id": "444444444444"})

    assert recovery.find("RunInstances", unknown, now=NOW) is None
    assert "AccountUnknown" in caplog.text


def test_events_whose_record_cannot_be_read_are_skipped(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber]
) -> None:
    no_body = event("no-body", at(59))
    del no_body["CloudTrailEvent"]
    listed(
        cloudtrail("us-east-1"),
        [
            event("not-json", at(58), body='{"eventVersion": "1.08", "errorCode": "Client.Unauth'),
            event("a-list", at(57), body="[1, 2]"),
            event(
                "number-message", at(56), body='{"errorCode": "AccessDenied", "errorMessage": 7}'
            ),
            no_body,
            event("readable", at(40)),
        ],
    )

    found = recovery.find("RunInstances", EAST_ONLY, now=NOW)

    assert found is not None
    assert found.event_id == "readable"


def test_two_finds_in_one_region_are_spaced_by_the_rate_limit(
    recovery: CloudTrailRecovery, cloudtrail: Callable[[str], Stubber], clock: FakeClock
) -> None:
    east = cloudtrail("us-east-1")
    called_at: list[float] = []
    east.client.meta.events.register(
        "before-parameter-build.cloudtrail.LookupEvents", lambda **_: called_at.append(clock())
    )
    listed(east, [event("e1", at(40))])
    listed(east, [event("e1", at(40))])

    assert recovery.find("RunInstances", EAST_ONLY, prefix=CUT, now=NOW) is not None
    assert recovery.find("RunInstances", EAST_ONLY, prefix=CUT, now=NOW) is not None

    assert len(called_at) == 2
    assert called_at[1] - called_at[0] >= MIN_INTERVAL
    assert clock.sleeps == [MIN_INTERVAL]


def test_the_rate_limiter_never_waits_past_the_time_left(clock: FakeClock) -> None:
    limiter = RateLimiter(interval=0.5, clock=clock, sleep=clock.sleep)
    east, west = (PROD.id, "us-east-1"), (PROD.id, "eu-west-1")

    assert limiter.acquire(east, timeout=1)
    assert limiter.acquire(west, timeout=1)  # another Region has its own allowance
    assert clock.sleeps == []
    assert not limiter.acquire(east, timeout=0.2)  # its slot is 0.5 s away: not taken
    assert clock.sleeps == []
    assert limiter.acquire(east, timeout=1)
    assert clock.sleeps == [0.5]


def test_the_rate_limiter_spaces_concurrent_callers() -> None:
    clock = FakeClock()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:  # each caller's sleep is recorded; the clock does not move
            clock.sleeps.append(seconds)

    limiter = RateLimiter(interval=0.5, clock=clock, sleep=sleep)
    threads = [
        threading.Thread(target=limiter.acquire, args=((PROD.id, "us-east-1"), 10))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(clock.sleeps) == [0.5, 1.0, 1.5]  # one caller went at once


def test_a_region_that_does_not_answer_within_the_budget_does_not_hold_up_the_answer(
    sessions: ReadSessions, cloudtrail: Callable[[str], Stubber]
) -> None:
    release = threading.Event()

    def blocked(**_: Any) -> None:
        release.wait(30)

    east = cloudtrail("us-east-1")
    east.client.meta.events.register("before-parameter-build.cloudtrail.LookupEvents", blocked)
    listed(east, [event("e-east", at(55))])
    listed(cloudtrail("eu-west-1"), [event("e-west", at(40), "eu-west-1")])
    recovery = CloudTrailRecovery(sessions, budget_seconds=0.3)
    try:
        started = time.monotonic()
        found = recovery.find("RunInstances", PROD, principal_arn=KARPENTER, now=NOW)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        recovery.close()

    assert found is not None
    assert found.event_id == "e-west"  # the best found in time, not the later, newer one
    assert elapsed < 10  # the blocked Region would take 30 s


def test_lookback_sets_the_start_of_the_window(
    sessions: ReadSessions, cloudtrail: Callable[[str], Stubber]
) -> None:
    cloudtrail("us-east-1").add_response(
        "lookup_events",
        {"Events": []},
        {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}],
            "StartTime": NOW - timedelta(minutes=15),
            "EndTime": NOW,
            "MaxResults": 50,
        },
    )
    recovery = CloudTrailRecovery(sessions, budget_seconds=5, lookback=timedelta(minutes=15))
    try:
        assert recovery.find("RunInstances", EAST_ONLY, now=NOW) is None
    finally:
        recovery.close()
