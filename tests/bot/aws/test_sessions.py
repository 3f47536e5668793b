"""Read sessions (cached, one AssumeRole per account) and per-fix sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.credentials
import pytest
from botocore.awsrequest import AWSResponse
from moto.server import ThreadedMotoServer

from bot.aws.sessions import ReadSessions, fix_session, fix_session_name
from bot.errors import AccountUnknown, BotAccessDenied
from tests.bot.aws.conftest import DEV, PROD, TEST, CallLog


@pytest.fixture
def assume_role_params(base_session: boto3.Session) -> list[dict[str, Any]]:
    """The parameters of every AssumeRole the hub session sends."""
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    base_session.events.register("provide-client-params.sts.AssumeRole", record)
    return sent


def test_read_session_assumes_read_role_with_external_id_and_bot_name(
    sessions: ReadSessions, assume_role_params: list[dict[str, Any]]
) -> None:
    sessions.client(PROD.id, "sts", "us-east-1")

    assert assume_role_params == [
        {
            "RoleArn": PROD.read_role_arn,
            "RoleSessionName": "backup-doctor-read",
            "ExternalId": "ext-prod",
        }
    ]


def test_client_calls_aws_as_the_assumed_read_role(sessions: ReadSessions) -> None:
    identity = sessions.client(DEV.id, "sts", "us-east-1").get_caller_identity()

    assert identity["Arn"] == (
        "arn:aws:sts::222222222222:assumed-role/backup-doctor-read/backup-doctor-read"
    )


def test_clients_are_built_once_per_account_service_and_region(sessions: ReadSessions) -> None:
    first = sessions.client(PROD.id, "sts", "us-east-1")

    assert sessions.client(PROD.id, "sts", "us-east-1") is first
    assert sessions.client(PROD.id, "sts", "eu-west-1") is not first
    assert sessions.client(DEV.id, "sts", "us-east-1") is not first


def test_clients_use_bounded_retries_and_timeouts(sessions: ReadSessions) -> None:
    config = sessions.client(PROD.id, "backup", "eu-west-1").meta.config

    # botocore counts the first attempt too: 4 retries = 5 attempts in all.
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert "backup-doctor" in config.user_agent_extra


def test_one_assume_role_per_account_however_many_clients_and_calls(
    sessions: ReadSessions, call_log: CallLog
) -> None:
    for region in ("us-east-1", "eu-west-1"):
        sessions.client(PROD.id, "sts", region).get_caller_identity()
        sessions.client(PROD.id, "iam", region)
    sessions.client(DEV.id, "sts", "us-east-1").get_caller_identity()

    assert call_log.count("AssumeRole") == 2
    assert call_log.count("GetCallerIdentity") == 3


def test_concurrent_first_use_makes_one_assume_role(
    sessions: ReadSessions, call_log: CallLog
) -> None:
    barrier = threading.Barrier(10)
    clients: list[object] = []

    def first_use() -> None:
        barrier.wait()
        clients.append(sessions.client(TEST.id, "sts", "us-east-1"))

    threads = [threading.Thread(target=first_use) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert call_log.count("AssumeRole") == 1
    assert len({id(client) for client in clients}) == 1


def test_credentials_are_refreshed_before_they_expire(
    sessions: ReadSessions, call_log: CallLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = sessions.client(PROD.id, "sts", "us-east-1")
    credentials = sessions.session(PROD.id).get_credentials()

    def later() -> datetime:  # 55 minutes on: the 1-hour credentials have 5 minutes left
        return datetime.now(UTC) + timedelta(minutes=55)

    monkeypatch.setattr(botocore.credentials, "_local_now", later)
    monkeypatch.setattr(credentials, "_time_fetcher", later)
    client.get_caller_identity()

    assert call_log.count("AssumeRole") == 2


def test_on_call_reports_service_operation_and_error_code(
    sessions: ReadSessions, call_log: CallLog
) -> None:
    sessions.client(PROD.id, "iam", "us-east-1")
    iam = sessions.client(PROD.id, "iam", "us-east-1")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="missing")

    assert call_log.calls == [("sts", "AssumeRole", None), ("iam", "GetRole", "NoSuchEntity")]


def test_on_call_reports_connection_failures(sessions: ReadSessions, call_log: CallLog) -> None:
    client = sessions.client(PROD.id, "backup", "us-east-1")

    client.meta.events.emit(
        "after-call-error.backup.DescribeRestoreJob", exception=ConnectionError(), context={}
    )

    assert call_log.calls[-1] == ("backup", "DescribeRestoreJob", "ConnectionError")


def test_a_failing_on_call_hook_does_not_fail_the_call(
    moto: None, base_session: boto3.Session
) -> None:
    def broken(service: str, operation: str, error: str | None) -> None:
        raise RuntimeError("metrics down")

    sessions = ReadSessions([PROD], base_session=base_session, on_call=broken)

    assert sessions.client(PROD.id, "sts", "us-east-1").get_caller_identity()["Account"]


def test_unknown_account_is_refused(sessions: ReadSessions) -> None:
    with pytest.raises(AccountUnknown, match="999999999999"):
        sessions.client("999999999999", "sts", "us-east-1")


def test_read_role_denial_names_the_role_and_the_trust_policy(
    moto: None, base_session: boto3.Session
) -> None:
    _deny_assume_role(base_session, "User: arn:aws:iam::123456789012:role/hub is not authorized")

    with pytest.raises(BotAccessDenied) as caught:
        ReadSessions([PROD], base_session=base_session).client(PROD.id, "sts", "us-east-1")

    assert PROD.read_role_arn in caught.value.user_message
    assert "ExternalId" in caught.value.user_message
    assert "trust policy" in caught.value.next_step


def test_fix_session_names_the_request_and_the_approver(
    moto: None, base_session: boto3.Session, assume_role_params: list[dict[str, Any]]
) -> None:
    session = fix_session(PROD, "req-42", "U012APPROVER", base_session=base_session)

    assert assume_role_params == [
        {
            "RoleArn": PROD.fix_role_arn,
            "RoleSessionName": "backup-doctor-fix-req-42",
            "ExternalId": "ext-prod",
            "SourceIdentity": "U012APPROVER",
        }
    ]
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn.endswith("assumed-role/backup-doctor-fix/backup-doctor-fix-req-42")


def test_fix_sessions_are_never_cached(
    moto: None, base_session: boto3.Session, assume_role_params: list[dict[str, Any]]
) -> None:
    fix_session(PROD, "req-1", None, base_session=base_session)
    fix_session(PROD, "req-1", None, base_session=base_session)

    assert len(assume_role_params) == 2
    assert "SourceIdentity" not in assume_role_params[0]


def test_fix_session_retries_without_source_identity_when_trust_policy_refuses_it(
    moto: None,
    base_session: boto3.Session,
    assume_role_params: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _deny_assume_role(
        base_session,
        "User: arn:aws:sts::123456789012:assumed-role/hub/x is not authorized to perform: "
        "sts:SetSourceIdentity on resource: arn:aws:iam::111111111111:role/backup-doctor-fix",
        only_with_source_identity=True,
    )

    fix_session(PROD, "req-7", "U0APPROVER", base_session=base_session)

    assert [p.get("SourceIdentity") for p in assume_role_params] == ["U0APPROVER", None]
    assert "sts:SetSourceIdentity" in caplog.text
    assert "SecretAccessKey" not in caplog.text


def test_fix_session_does_not_retry_other_denials(
    moto: None, base_session: boto3.Session, assume_role_params: list[dict[str, Any]]
) -> None:
    _deny_assume_role(base_session, "User: hub is not authorized to perform: sts:AssumeRole")

    with pytest.raises(BotAccessDenied, match="backup-doctor-fix"):
        fix_session(PROD, "req-8", "U0APPROVER", base_session=base_session)

    assert len(assume_role_params) == 1


def test_fix_session_needs_a_fix_role() -> None:
    with pytest.raises(BotAccessDenied, match="No fix role"):
        fix_session(TEST, "req-9", None)


@pytest.mark.parametrize(
    ("request_id", "expected"),
    [
        ("abc-123", "backup-doctor-fix-abc-123"),
        ("a b/c:d", "backup-doctor-fix-a-b-c-d"),
        ("x" * 80, "backup-doctor-fix-" + "x" * 46),
    ],
)
def test_fix_session_name_is_valid_for_aws(request_id: str, expected: str) -> None:
    assert fix_session_name(request_id) == expected


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server, reached only through boto3's own AWS_ENDPOINT_URL variable."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    yield f"http://{host}:{port}"
    server.stop()


def test_endpoints_come_from_boto3_environment_variables(moto_server: str) -> None:
    sessions = ReadSessions([DEV])

    client = sessions.client(DEV.id, "sts", "us-east-1")

    assert client.meta.endpoint_url == moto_server
    assert client.get_caller_identity()["Account"] == DEV.id


def _deny_assume_role(
    session: boto3.Session, message: str, *, only_with_source_identity: bool = False
) -> None:
    """Make STS refuse AssumeRole with AccessDenied, as a trust policy would (moto never does)."""

    def refuse(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if only_with_source_identity and "SourceIdentity" not in params["body"]:
            return None
        error = {"Code": "AccessDenied", "Message": message, "Type": "Sender"}
        meta = {"HTTPStatusCode": 403}
        return AWSResponse("https://sts", 403, {}, None), {"Error": error, "ResponseMetadata": meta}

    session.events.register("before-call.sts.AssumeRole", refuse)
