"""The AWS stand-in, driven the way the bot drives AWS: boto3 clients against a real HTTP server
that answers what moto lacks and forwards the rest to a moto server."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from tests.support import authorization_details as authz
from tests.support import aws_standin_testkit as kit
from tests.support.aws_standin import AwsStandin, start_standin_process
from tests.support.aws_standin_admin import AdminError, StandinAdminClient
from tests.support.aws_standin_iam import SourcedPolicy, evaluate
from tests.support.aws_standin_testkit import (
    ACCOUNT,
    NO_RETRIES,
    assume,
    client,
    error_code,
    http_status,
)
from tests.support.aws_standin_wire import ResponseInvalid, operation_model, success_response
from tests.support.moto_server import MotoThread, start_moto_process

BLOB = "AQoDYXdzEJr-example_Blob-0123456789"
DECODED = {"allowed": False, "explicitDeny": False, "context": {"action": "iam:PassRole"}}


moto = kit.moto
aws_env = kit.aws_env
standin = kit.standin


# --- forwarding to moto --------------------------------------------------------------------------


def test_assume_role_is_forwarded_to_moto_and_its_keys_act_in_the_roles_account(
    standin: AwsStandin,
) -> None:
    identity = client("sts", assume()).get_caller_identity()

    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/backup-doctor"
    assert standin.calls() == {"sts:AssumeRole": 1, "sts:GetCallerIdentity": 1}


def test_iam_writes_are_forwarded_to_moto(standin: AwsStandin) -> None:
    iam = client("iam")
    iam.create_role(RoleName="Restore", AssumeRolePolicyDocument="{}")
    iam.put_role_policy(RoleName="Restore", PolicyName="p", PolicyDocument=_allow("s3:GetObject"))

    assert iam.list_role_policies(RoleName="Restore")["PolicyNames"] == ["p"]
    iam.delete_role_policy(RoleName="Restore", PolicyName="p")
    assert iam.list_role_policies(RoleName="Restore")["PolicyNames"] == []


# --- sts:DecodeAuthorizationMessage --------------------------------------------------------------


def test_a_registered_blob_decodes_to_its_json(standin: AwsStandin) -> None:
    standin.register_blob(BLOB, DECODED)

    decoded = client("sts").decode_authorization_message(EncodedMessage=BLOB)

    assert json.loads(decoded["DecodedMessage"]) == DECODED


@pytest.mark.parametrize(
    "message",
    ["NotRegistered123", BLOB[:10] + "\n" + BLOB[10:], BLOB + " ", BLOB[:-1]],
    ids=["unknown", "line-break", "trailing-space", "cut-off"],
)
def test_blobs_sts_cannot_decode_are_invalid_messages(standin: AwsStandin, message: str) -> None:
    standin.register_blob(BLOB, DECODED)

    with pytest.raises(ClientError) as error:
        client("sts").decode_authorization_message(EncodedMessage=message)

    assert error_code(error) == "InvalidAuthorizationMessageException"
    assert http_status(error) == 400


def test_a_blob_registered_for_an_account_decodes_only_in_that_account(
    standin: AwsStandin,
) -> None:
    standin.register_blob(BLOB, DECODED, account=ACCOUNT)

    decoded = client("sts", assume()).decode_authorization_message(EncodedMessage=BLOB)
    with pytest.raises(ClientError) as elsewhere:
        client("sts", assume(account="444455556666")).decode_authorization_message(
            EncodedMessage=BLOB
        )

    assert json.loads(decoded["DecodedMessage"]) == DECODED
    assert error_code(elsewhere) == "InvalidAuthorizationMessageException"


# --- iam:SimulatePrincipalPolicy -----------------------------------------------------------------


def _allow(action: str, resource: str = "*", effect: str = "Allow") -> str:
    statement = {"Effect": effect, "Action": action, "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _simulate(role_arn: str, action: str, resource: str, **extra: Any) -> dict[str, Any]:
    results = client("iam").simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=[action], ResourceArns=[resource], **extra
    )["EvaluationResults"]
    assert len(results) == 1
    return dict(results[0])


def test_simulate_shows_passrole_denied_then_allowed_after_a_policy_is_added(
    standin: AwsStandin,
) -> None:
    iam = client("iam")
    role = iam.create_role(RoleName="Restore", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    target = "arn:aws:iam::123456789012:role/AppInstanceRole"

    before = _simulate(role, "iam:PassRole", target)
    iam.put_role_policy(
        RoleName="Restore", PolicyName="pass", PolicyDocument=_allow("iam:PassRole", target)
    )
    after = _simulate(role, "iam:PassRole", target)

    assert before["EvalDecision"] == "implicitDeny"
    assert before["MatchedStatements"] == []
    assert after["EvalDecision"] == "allowed"
    assert after["MatchedStatements"] == [{"SourcePolicyId": "pass", "SourcePolicyType": "role"}]


def test_simulate_takes_policy_input_list_and_explicit_denies_win(standin: AwsStandin) -> None:
    iam = client("iam")
    role = iam.create_role(RoleName="Restore", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    iam.put_role_policy(RoleName="Restore", PolicyName="all", PolicyDocument=_allow("iam:*"))
    deny = _allow("iam:Pass*", "arn:aws:iam::*:role/Admin*", effect="Deny")

    denied = _simulate(
        role, "iam:PassRole", "arn:aws:iam::1:role/AdminRole", PolicyInputList=[deny]
    )
    allowed = _simulate(role, "iam:PassRole", "arn:aws:iam::1:role/App", PolicyInputList=[deny])

    assert denied["EvalDecision"] == "explicitDeny"
    assert denied["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    assert allowed["EvalDecision"] == "allowed"


def test_simulating_a_role_moto_does_not_have_is_no_such_entity(standin: AwsStandin) -> None:
    with pytest.raises(ClientError) as error:
        _simulate("arn:aws:iam::123456789012:role/Missing", "iam:PassRole", "*")

    assert error_code(error) == "NoSuchEntity"


def _policy(*statements: dict[str, Any]) -> SourcedPolicy:
    return SourcedPolicy("p", "role", {"Statement": list(statements)})


ROLE_A = "arn:aws:iam::1:role/A"
TO_EC2 = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}


@pytest.mark.parametrize(
    ("statement", "decision"),
    [
        ({"Effect": "Allow", "Action": "IAM:passrole", "Resource": ROLE_A}, "allowed"),
        ({"Effect": "Allow", "Action": ["ec2:*", "iam:Pass?ole"], "Resource": "*"}, "allowed"),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_A.lower()}, "implicitDeny"),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "implicitDeny"),
        ({"Effect": "Allow", "Action": "*", "NotResource": ROLE_A + "B"}, "allowed"),
        ({"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}, "explicitDeny"),
        ({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": TO_EC2}, "implicitDeny"),
    ],
    ids=["case-insensitive-action", "wildcards", "case-sensitive-resource", "not-action",
         "not-resource", "deny", "conditions-not-applied"],
)  # fmt: skip
def test_policy_evaluation(statement: dict[str, Any], decision: str) -> None:
    outcome = evaluate([_policy(statement)], "iam:PassRole", ROLE_A)

    assert outcome.decision == decision


def test_conditional_statements_report_their_keys_as_missing_context() -> None:
    conditional = {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": TO_EC2}

    outcome = evaluate([_policy(conditional)], "iam:PassRole", "*")

    assert outcome.missing_context == ["iam:PassedToService"]


# --- response validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("DescribeRestoreJob", {"RestoreJobId": "j", "Status": "DONE"}),
        ("DescribeRestoreJob", {"RestoreJobId": 7}),
        ("DescribeRestoreJob", {"CreationDate": "yesterday"}),
        ("ListRestoreJobs", {"RestoreJobs": [{"Status": "FINISHED"}]}),
    ],
    ids=["bad-enum", "wrong-type", "bad-timestamp", "nested-enum"],
)
def test_responses_that_break_the_model_are_never_sent(
    operation: str, body: dict[str, Any]
) -> None:
    with pytest.raises(ResponseInvalid):
        success_response("backup", operation, body)


MOMENT = datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
RESTORE_JOB = {
    "AccountId": "111122223333", "RestoreJobId": "J1", "RecoveryPointArn": "arn:rp",
    "CreationDate": MOMENT, "CompletionDate": MOMENT, "Status": "FAILED", "StatusMessage": "m",
    "PercentDone": "0.00%", "BackupSizeInBytes": 42, "IamRoleArn": "arn:role", "IsParent": False,
    "CreatedBy": {"RestoreTestingPlanArn": "arn:plan"}, "ResourceType": "EC2",
}  # fmt: skip
ROUND_TRIPS = [
    ("sts", "DecodeAuthorizationMessage", {"DecodedMessage": json.dumps(DECODED)}),
    ("iam-toolbox", "GetRequestAuthorizationDetails", authz.boundary_implicit_deny(
        "arn:aws:iam::1:role/r", "s3:GetObject", "arn:aws:s3:::b/k") | {"nextToken": "2"}),
    ("cloudtrail", "LookupEvents", {"Events": [{"EventId": "e1", "EventName": "RunInstances",
        "EventTime": MOMENT, "CloudTrailEvent": "{}", "Username": "u"}], "NextToken": "1"}),
    ("iam", "SimulatePrincipalPolicy", {"IsTruncated": False, "EvaluationResults": [{
        "EvalActionName": "iam:PassRole", "EvalResourceName": "*", "EvalDecision": "allowed",
        "MatchedStatements": [{"SourcePolicyId": "p", "SourcePolicyType": "role"}],
        "MissingContextValues": ["aws:SourceIp"], "EvalDecisionDetails": {"user": "allowed"}}]}),
    ("backup", "DescribeRestoreJob", RESTORE_JOB),
    ("backup", "ListRestoreJobs", {"RestoreJobs": [RESTORE_JOB], "NextToken": "1"}),
    ("backup", "ListBackupJobs", {"BackupJobs": [{"BackupJobId": "B1", "State": "FAILED",
        "CreationDate": MOMENT, "StatusMessage": "no"}], "NextToken": "1"}),
    ("backup", "ListCopyJobs", {"CopyJobs": [{"CopyJobId": "C1", "State": "FAILED",
        "CreationDate": MOMENT}], "NextToken": "1"}),
    ("backup", "GetRestoreJobMetadata", {"RestoreJobId": "J1", "Metadata": {"a": "b"}}),
    ("backup", "StartRestoreJob", {"RestoreJobId": "J1"}),
    ("backup", "DescribeBackupJob", {"BackupJobId": "B1", "State": "EXPIRED",
        "CreationDate": MOMENT, "BackupOptions": {"WindowsVSS": "enabled"},
        "RecoveryPointLifecycle": {"DeleteAfterDays": 7}, "ChildJobsInState": {"FAILED": 1}}),
    ("backup", "DescribeCopyJob", {"CopyJob": {"CopyJobId": "C1", "State": "PARTIAL",
        "CreationDate": MOMENT, "CreatedBy": {"BackupPlanId": "plan"}}}),
    ("backup", "GetRecoveryPointRestoreMetadata", {"BackupVaultArn": "arn:vault",
        "RecoveryPointArn": "arn:rp", "RestoreMetadata": {"a": "b"}, "ResourceType": "EC2"}),
]  # fmt: skip


def test_every_locally_answered_operation_has_a_round_trip_case(standin: AwsStandin) -> None:
    assert sorted(f"{s}:{o}" for s, o, _ in ROUND_TRIPS) == standin.local_operations


@pytest.mark.parametrize(("service", "operation", "body"), ROUND_TRIPS, ids=lambda v: str(v)[:30])
def test_responses_parse_back_to_what_was_sent(
    service: str, operation: str, body: dict[str, Any]
) -> None:
    op = operation_model(service, operation)
    wire = success_response(service, operation, body)

    parser = create_parser(op.metadata["protocol"])
    raw = {"status_code": wire.status, "headers": wire.headers, "body": wire.body}
    parsed = parser.parse(raw, op.output_shape)
    parsed.pop("ResponseMetadata")

    assert parsed == body


def test_query_responses_with_missing_required_members_are_never_sent() -> None:
    with pytest.raises(ResponseInvalid):
        success_response(
            "iam", "SimulatePrincipalPolicy", {"EvaluationResults": [{"EvalActionName": "a"}]}
        )


# --- faults, latency, counters -------------------------------------------------------------------


def test_injected_throttling_fails_the_next_calls_and_every_call_is_counted(
    standin: AwsStandin,
) -> None:
    job = standin.seed_restore_job("arn:aws:backup:us-east-1:1:recovery-point:rp")
    standin.inject_fault("backup:DescribeRestoreJob", "throttle", count=2)
    backup = client("backup")

    with pytest.raises(ClientError) as first:
        backup.describe_restore_job(RestoreJobId=job)
    with pytest.raises(ClientError):
        backup.describe_restore_job(RestoreJobId=job)
    third = backup.describe_restore_job(RestoreJobId=job)

    assert error_code(first) == "ThrottlingException"
    assert http_status(first) == 429
    assert third["RestoreJobId"] == job
    assert standin.calls() == {"backup:DescribeRestoreJob": 3}


def test_sdk_retries_ride_out_throttling_and_are_counted(standin: AwsStandin) -> None:
    standin.register_blob(BLOB, DECODED)
    standin.inject_fault("DecodeAuthorizationMessage", "throttle", count=1)
    retrying = Config(retries={"total_max_attempts": 2, "mode": "standard"})

    decoded = client("sts", config=retrying).decode_authorization_message(EncodedMessage=BLOB)

    assert json.loads(decoded["DecodedMessage"]) == DECODED
    assert standin.calls() == {"sts:DecodeAuthorizationMessage": 2}


@pytest.mark.parametrize(
    ("service", "kind", "code", "status"),
    [
        ("sts", "throttle", "Throttling", 400),
        ("sts", "unavailable", "ServiceUnavailable", 503),
        ("sts", "internal", "InternalFailure", 500),
        ("iam", "throttle", "Throttling", 400),
        ("backup", "unavailable", "ServiceUnavailableException", 503),
    ],
)
def test_fault_kinds_answer_in_each_services_protocol(
    standin: AwsStandin, service: str, kind: str, code: str, status: int
) -> None:
    standin.inject_fault("*", kind, count=None)
    calls = {
        "sts": lambda c: c.get_caller_identity(),
        "iam": lambda c: c.list_roles(),
        "backup": lambda c: c.describe_restore_job(RestoreJobId="j"),
    }

    with pytest.raises(ClientError) as error:
        calls[service](client(service))

    assert error_code(error) == code
    assert http_status(error) == status


def test_forwarded_calls_can_be_faulted_too(standin: AwsStandin) -> None:
    standin.inject_fault("sts:AssumeRole", "throttle")

    with pytest.raises(ClientError) as error:
        assume()
    assume()

    assert error_code(error) == "Throttling"
    assert standin.calls() == {"sts:AssumeRole": 2}


def test_added_latency_delays_each_call(standin: AwsStandin) -> None:
    standin.register_blob(BLOB, DECODED)
    sts = client("sts")
    sts.decode_authorization_message(EncodedMessage=BLOB)  # connection set up outside the timing
    standin.set_latency(0.1)

    started = time.perf_counter()
    sts.decode_authorization_message(EncodedMessage=BLOB)
    elapsed = time.perf_counter() - started
    standin.set_latency(0)

    assert 0.1 <= elapsed < 0.5


# --- admin endpoints, persistence, subprocess ----------------------------------------------------


def test_the_admin_endpoints_drive_the_same_api(standin: AwsStandin) -> None:
    admin = StandinAdminClient(standin.url)
    admin.register_blob(BLOB, DECODED)
    job = admin.seed_restore_job("arn:aws:backup:us-east-1:1:recovery-point:rp", status="COMPLETED")
    admin.inject_fault("GetCallerIdentity", "throttle")

    client("sts").decode_authorization_message(EncodedMessage=BLOB)
    with pytest.raises(ClientError):
        client("sts").get_caller_identity()

    assert client("backup").describe_restore_job(RestoreJobId=job)["Status"] == "COMPLETED"
    assert admin.calls() == {
        "sts:DecodeAuthorizationMessage": 1,
        "sts:GetCallerIdentity": 1,
        "backup:DescribeRestoreJob": 1,
    }
    admin.reset()
    assert admin.calls() == {}
    assert admin.restore_jobs() == []


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("faults", {"kind": "explode"}, 400),
        ("decode", {"blob": "has space", "decoded": {}}, 400),
        ("restore-jobs", {"recovery_point_arn": "rp", "status": "DONE"}, 400),
        ("restore-jobs", {"no_such_argument": 1}, 400),
        ("nothing-here", {}, 404),
    ],
)
def test_bad_admin_requests_are_refused(
    standin: AwsStandin, path: str, body: dict[str, Any], status: int
) -> None:
    answer = requests.post(f"{standin.url}/_standin/{path}", json=body, timeout=5)

    assert answer.status_code == status
    assert "error" in answer.json()


def test_admin_client_raises_on_refusal(standin: AwsStandin) -> None:
    with pytest.raises(AdminError, match="explode"):
        StandinAdminClient(standin.url).inject_fault(kind="explode")


@pytest.mark.usefixtures("aws_env")
def test_seeded_state_survives_a_restart_with_a_state_file(
    moto: MotoThread, tmp_path: Path
) -> None:
    state = tmp_path / "standin.json"
    with AwsStandin(moto.url, state_path=state) as first:
        first.register_blob(BLOB, DECODED)
        job = first.seed_restore_job("arn:aws:backup:us-east-1:1:recovery-point:rp")

    with AwsStandin(moto.url, state_path=state) as second:
        sts = boto3.client("sts", endpoint_url=second.url, config=NO_RETRIES)
        backup = boto3.client("backup", endpoint_url=second.url, config=NO_RETRIES)

        assert (
            json.loads(sts.decode_authorization_message(EncodedMessage=BLOB)["DecodedMessage"])
            == DECODED
        )
        assert backup.describe_restore_job(RestoreJobId=job)["Status"] == "FAILED"


@pytest.mark.usefixtures("aws_env")
def test_stand_in_and_moto_run_as_separate_processes(tmp_path: Path) -> None:
    moto_process = start_moto_process(log_path=tmp_path / "moto.log")
    standin_process = start_standin_process(
        moto_process.url, state_path=tmp_path / "state.json", log_path=tmp_path / "standin.log"
    )
    try:
        standin_process.admin.register_blob(BLOB, DECODED)
        sts = boto3.client("sts", endpoint_url=standin_process.url, config=NO_RETRIES)

        decoded = sts.decode_authorization_message(EncodedMessage=BLOB)
        identity = sts.get_caller_identity()

        assert json.loads(decoded["DecodedMessage"]) == DECODED
        assert identity["Account"] == "123456789012"
        assert standin_process.admin.calls() == {
            "sts:DecodeAuthorizationMessage": 1,
            "sts:GetCallerIdentity": 1,
        }
        assert standin_process.admin.health()["moto_url"] == moto_process.url
    finally:
        standin_process.stop()
        moto_process.stop()


def test_timestamps_parse_as_datetimes(standin: AwsStandin) -> None:
    created = datetime(2026, 3, 1, 12, 30, 15, 250000).astimezone()
    job = standin.seed_restore_job("arn:aws:backup:us-east-1:1:recovery-point:rp", created=created)

    described = client("backup").describe_restore_job(RestoreJobId=job)

    assert described["CreationDate"] == created
    assert isinstance(described["CompletionDate"], datetime)


# --- iam-toolbox:GetRequestAuthorizationDetails and cloudtrail:LookupEvents ----------------------

SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Restore/AWSBackup-Restore"


def test_authorization_details_come_in_pages_in_their_account_and_region_only(
    standin: AwsStandin,
) -> None:
    answer = authz.passrole_explicit_deny(
        f"arn:aws:iam::{ACCOUNT}:role/Restore", f"arn:aws:iam::{ACCOUNT}:role/App", SESSION
    )
    standin.seed_authorization("abc123def456", answer, account=ACCOUNT, region="us-east-1")
    toolbox = client("iam-toolbox", assume())

    pages = list(
        toolbox.get_paginator("get_request_authorization_details").paginate(
            authorizationId="abc123def456"
        )
    )

    assert len(pages) == 2  # three evaluations, two a page
    assert [e["action"] for p in pages for e in p["evaluations"]] == [
        e["action"] for e in answer["evaluations"]
    ]
    assert pages[0]["requestContext"]["aws:PrincipalArn"] == SESSION
    with pytest.raises(ClientError) as elsewhere:
        client("iam-toolbox", assume(), region="eu-west-1").get_request_authorization_details(
            authorizationId="abc123def456"
        )
    assert error_code(elsewhere) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as other_account:
        client("iam-toolbox", assume(account="444455556666")).get_request_authorization_details(
            authorizationId="abc123def456"
        )
    assert error_code(other_account) == "ResourceNotFoundException"


def test_authorization_details_seeded_late_are_not_found_until_they_appear(
    standin: AwsStandin,
) -> None:
    answer = authz.boundary_implicit_deny(SESSION, "s3:GetObject", "arn:aws:s3:::b/k")
    standin.seed_authorization("late0000001", answer, delay_seconds=3600)

    with pytest.raises(ClientError) as early:
        client("iam-toolbox").get_request_authorization_details(authorizationId="late0000001")

    assert error_code(early) == "ResourceNotFoundException"


def test_lookup_events_filters_by_event_name_and_time_newest_first(standin: AwsStandin) -> None:
    for minute, name in [(1, "RunInstances"), (5, "RunInstances"), (9, "CreateTags")]:
        standin.seed_trail_event(
            {"eventID": f"e{minute}", "eventName": name,
             "eventTime": f"2026-12-04T08:0{minute}:00Z",
             "userIdentity": {"arn": SESSION}, "errorCode": "Client.UnauthorizedOperation"},
            account=ACCOUNT, region="us-east-1",
        )  # fmt: skip
    trail = client("cloudtrail", assume())

    found = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}],
        StartTime=datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        EndTime=datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
        MaxResults=1,
    )
    following = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}],
        StartTime=datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        EndTime=datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
        MaxResults=1,
        NextToken=found["NextToken"],
    )

    assert [e["EventId"] for e in found["Events"]] == ["e5"]
    assert [e["EventId"] for e in following["Events"]] == ["e1"]
    assert "NextToken" not in following
    assert json.loads(found["Events"][0]["CloudTrailEvent"])["userIdentity"]["arn"] == SESSION
    elsewhere = client("cloudtrail", assume(), region="eu-west-1").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}]
    )
    assert elsewhere["Events"] == []


def test_failed_backup_and_copy_jobs_are_listed_by_state_and_creation(standin: AwsStandin) -> None:
    now = datetime.now(UTC)
    failed = standin.seed_backup_job(
        {"State": "FAILED", "StatusMessage": "denied", "CreationDate": now}, account=ACCOUNT
    )
    standin.seed_backup_job({"State": "COMPLETED", "CreationDate": now}, account=ACCOUNT)
    old = standin.seed_backup_job(
        {"State": "FAILED", "CreationDate": now - timedelta(days=9)}, account=ACCOUNT
    )
    copy = standin.seed_copy_job({"State": "FAILED", "CreationDate": now}, account=ACCOUNT)
    backup = client("backup", assume())

    listed = backup.list_backup_jobs(ByState="FAILED", ByCreatedAfter=now - timedelta(days=3))
    copies = backup.list_copy_jobs(ByState="FAILED")

    assert [j["BackupJobId"] for j in listed["BackupJobs"]] == [failed]
    assert listed["BackupJobs"][0]["StatusMessage"] == "denied"
    assert old not in str(listed)
    assert [j["CopyJobId"] for j in copies["CopyJobs"]] == [copy]
