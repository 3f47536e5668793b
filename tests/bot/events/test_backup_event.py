"""Reading AWS Backup events as an EventBridge rule's SQS target delivers them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.events.backup_event import MalformedEvent, parse_event

SAMPLES = json.loads((Path(__file__).parents[2] / "data" / "backup-events.json").read_text())
EVENTS: list[dict[str, Any]] = SAMPLES["events"]


def _event(detail_type: str, **detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "e-1",
        "detail-type": detail_type,
        "source": "aws.backup",
        "account": "111122223333",
        "time": "2026-11-30T08:14:29Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": detail,
    }


def test_every_sample_is_read_with_its_job_account_and_region() -> None:
    for raw in EVENTS:
        event = parse_event(json.dumps(raw))
        assert event.event_id == raw["id"]
        assert event.account_id == raw["account"]
        assert event.region == raw["region"]
        assert event.job_id is not None
        assert event.job_id in json.dumps(raw["detail"])


def test_the_samples_failures_are_the_failed_ones() -> None:
    failed = [parse_event(json.dumps(raw)).is_failure for raw in EVENTS]
    expected = [
        (raw["detail"].get("status") or raw["detail"].get("state")) == "FAILED" for raw in EVENTS
    ]
    assert failed == expected
    assert any(failed)
    assert not all(failed)


def test_a_failed_restore_becomes_its_job_arn() -> None:
    event = parse_event(
        json.dumps(_event("Restore Job State Change", restoreJobId="AB-12", status="FAILED"))
    )
    assert event.job_type == "restore"
    assert event.job_arn == "arn:aws:backup:eu-west-1:111122223333:restore-job:AB-12"


@pytest.mark.parametrize("state", ["FAILED", "ABORTED", "EXPIRED"])
@pytest.mark.parametrize(
    ("detail_type", "id_field"),
    [("Backup Job State Change", "backupJobId"), ("Copy Job State Change", "copyJobId")],
)
def test_backup_and_copy_jobs_fail_in_three_ways(
    detail_type: str, id_field: str, state: str
) -> None:
    event = parse_event(json.dumps(_event(detail_type, **{id_field: "J-1", "state": state})))
    assert event.is_failure
    assert event.job_id == "J-1"


@pytest.mark.parametrize(
    ("detail_type", "detail"),
    [
        # restores carry "status": a restore's "state" is only the CREATED event's field
        ("Restore Job State Change", {"restoreJobId": "R-1", "state": "FAILED"}),
        ("Restore Job State Change", {"restoreJobId": "R-1", "status": "COMPLETED"}),
        ("Restore Job State Change", {"restoreJobId": "R-1", "status": "RUNNING"}),
        ("Backup Job State Change", {"backupJobId": "B-1", "state": "COMPLETED"}),
        ("Copy Job State Change", {"copyJobId": "C-1", "status": "FAILED"}),
        ("Backup Plan State Change", {"state": "FAILED"}),
        ("Restore Job State Change", {"status": "FAILED"}),  # no job id
    ],
)
def test_what_is_not_a_job_failure(detail_type: str, detail: dict[str, Any]) -> None:
    assert not parse_event(json.dumps(_event(detail_type, **detail))).is_failure


def test_another_source_is_never_a_failure() -> None:
    raw = _event("Restore Job State Change", restoreJobId="R-1", status="FAILED")
    raw["source"] = "my.app"
    assert not parse_event(json.dumps(raw)).is_failure


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "not JSON"),
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({"Message": "an SNS envelope"}), "not an EventBridge event"),
        (json.dumps({**_event("Restore Job State Change"), "account": "12345"}), "account"),
        (json.dumps({**_event("Restore Job State Change"), "region": "Europe"}), "region"),
        (json.dumps({**_event("Restore Job State Change"), "detail": "x"}), "detail"),
        (json.dumps({**_event("Restore Job State Change"), "id": " "}), "id"),
        (json.dumps(_event("Restore Job State Change", restoreJobId="a b/../c")), "job id"),
    ],
)
def test_a_malformed_body_says_what_is_wrong(body: str, says: str) -> None:
    with pytest.raises(MalformedEvent, match=says):
        parse_event(body)
