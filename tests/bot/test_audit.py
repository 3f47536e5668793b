"""The audit trail: every transition says who, when, from, to, which remedy and which policy."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest
import redis

from bot import audit
from bot.state import Request, RequestStore, approve, request_fix
from tests.bot.fixes.factories import Clock, diagnosis, grant_plan, passrole_policy


def allow_anyone(request: Request, approver: str) -> None:
    """Every approver is valid here; the policy has its own tests."""


@pytest.fixture
def store(redis_client: redis.Redis, redis_prefix: str) -> RequestStore:
    return RequestStore(redis_client, redis_prefix, 86400, 3600.0, clock=Clock())


def run_a_grant(store: RequestStore) -> Request:
    request = store.create(diagnosis(), "C1", "1.1", "U_ASKER", "111122223333", "eu-west-1")
    request_fix(store, request.id, "U_ASKER", grant_plan(request.id), "grant-passrole")
    approve(store, allow_anyone, request.id, "U_BOSS")
    store.transition(request.id, ["APPROVED"], "QUEUED", "U_BOSS")
    store.transition(request.id, ["QUEUED"], "RUNNING", "worker")
    details = {"outcome": {"policy_put": True}, "restore_job_id": "j-1"}
    store.transition(request.id, ["RUNNING"], "SUCCEEDED", "worker", audit_details=details)
    return request


def test_each_transition_has_who_when_from_to_remedy_and_policy_hash(
    store: RequestStore,
) -> None:
    request = run_a_grant(store)

    events = store.audit_events(request.id)

    assert [(e["from"], e["to"]) for e in events] == [
        ("", "DIAGNOSED"),
        ("DIAGNOSED", "FIX_REQUESTED"),
        ("FIX_REQUESTED", "APPROVED"),
        ("APPROVED", "QUEUED"),
        ("QUEUED", "RUNNING"),
        ("RUNNING", "SUCCEEDED"),
    ]
    actors = ["U_ASKER", "U_ASKER", "U_BOSS", "U_BOSS", "worker", "worker"]
    assert [e["actor"] for e in events] == actors
    for event in events:
        assert datetime.fromisoformat(event["at"]).tzinfo is not None
        assert (event["request"], event["account_id"]) == (request.id, "111122223333")
    for event in events[1:]:
        assert event["fix"] == "GRANT_PASSROLE"
        assert event["remedy_id"] == "grant-passrole"
        assert event["policy_sha256"] == audit.policy_sha256(passrole_policy())


def test_the_fix_request_event_holds_the_policies_before_and_after(
    store: RequestStore,
) -> None:
    request = run_a_grant(store)

    asked = store.audit_events(request.id)[1]

    before = json.loads(asked["policy_before"])
    after = json.loads(asked["policy_after"])
    name = f"backup-doctor-passrole-{request.id[:12]}"
    assert name not in before
    assert after == before | {name: passrole_policy()}
    assert asked["role_arn"].endswith("role/service-role/AWSBackupDefaultServiceRole")
    assert asked["policy_name"] == name


def test_caller_details_are_kept_as_json(store: RequestStore) -> None:
    request = run_a_grant(store)

    done = store.audit_events(request.id)[-1]

    assert json.loads(done["outcome"]) == {"policy_put": True}
    assert done["restore_job_id"] == "j-1"


def test_details_may_not_overwrite_who_or_what(store: RequestStore) -> None:
    request = store.create(diagnosis(), "C1", "1.1", "U1", "111122223333", "eu-west-1")

    with pytest.raises(ValueError, match="actor"):
        store.transition(
            request.id, ["DIAGNOSED"], "FIX_REQUESTED", "U1", audit_details={"actor": "U_FAKE"}
        )


def test_all_events_or_one_requests_events(
    store: RequestStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PAGE", 4)  # several pages of XRANGE
    first, second = run_a_grant(store), run_a_grant(store)

    everything = store.audit_events()

    assert len(everything) == 12
    assert {e["request"] for e in store.audit_events(second.id)} == {second.id}
    assert len(store.audit_events(first.id)) == 6
    assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)


def test_every_transition_is_logged_as_a_structured_record(
    store: RequestStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.audit"):
        request = run_a_grant(store)

    records = [r for r in caplog.records if r.name == "bot.audit"]
    assert len(records) == 6
    approved = records[2]
    assert approved.__dict__["event"] == "request_transition"
    assert approved.__dict__["audit_request"] == request.id
    assert approved.__dict__["audit_actor"] == "U_BOSS"
    assert (approved.__dict__["audit_from"], approved.__dict__["audit_to"]) == (
        "FIX_REQUESTED",
        "APPROVED",
    )
    json.dumps({k: v for k, v in approved.__dict__.items() if k.startswith("audit_")})


def test_a_policy_hash_ignores_key_order() -> None:
    policy = passrole_policy()
    reordered = dict(reversed(list(policy.items())))

    assert audit.policy_sha256(policy) == audit.policy_sha256(reordered)
