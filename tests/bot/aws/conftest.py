"""Fixtures for ``bot/aws`` tests: fake credentials, moto for STS/IAM, Stubber for the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from bot.aws.sessions import ReadSessions
from bot.config import AccountConfig

PROD = AccountConfig(
    id="111111111111",
    name="prod",
    regions=["us-east-1", "eu-west-1"],
    read_role_arn="arn:aws:iam::111111111111:role/backup-doctor-read",
    fix_role_arn="arn:aws:iam::111111111111:role/backup-doctor-fix",
    external_id="ext-prod",
)
DEV = AccountConfig(
    id="222222222222",
    name="dev",
    regions=["us-east-1", "eu-west-1"],
    read_role_arn="arn:aws:iam::222222222222:role/backup-doctor-read",
    fix_role_arn="arn:aws:iam::222222222222:role/backup-doctor-fix",
    external_id="ext-dev",
)
TEST = AccountConfig(
    id="333333333333",
    name="test",
    regions=["us-east-1", "eu-west-1"],
    read_role_arn="arn:aws:iam::333333333333:role/backup-doctor-read",
    external_id="ext-test",
)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake hub credentials and a region; no profile, config file or endpoint from the developer."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
                 "AWS_ENDPOINT_URL_BACKUP", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_IAM_TOOLBOX",
                 "AWS_ENDPOINT_URL_CLOUDTRAIL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def accounts() -> list[AccountConfig]:
    """Three accounts with two regions each."""
    return [PROD, DEV, TEST]


@pytest.fixture
def moto() -> Iterator[None]:
    """STS (AssumeRole) and IAM answered by moto in-process."""
    with mock_aws():
        yield


class CallLog:
    """Records ``on_call`` notifications: (service, operation, error code)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def __call__(self, service: str, operation: str, error: str | None) -> None:
        self.calls.append((service, operation, error))

    def count(self, operation: str) -> int:
        """How many calls of ``operation`` were made."""
        return sum(1 for _, op, _ in self.calls if op == operation)


@pytest.fixture
def call_log() -> CallLog:
    """An ``on_call`` hook that records every AWS call."""
    return CallLog()


@pytest.fixture
def base_session(aws_env: None) -> boto3.Session:
    """The bot's hub session (default chain: the fake environment credentials)."""
    return boto3.Session()


@pytest.fixture
def sessions(
    moto: None, accounts: list[AccountConfig], base_session: boto3.Session, call_log: CallLog
) -> ReadSessions:
    """Read sessions on moto, counting calls."""
    return ReadSessions(accounts, base_session=base_session, on_call=call_log)


@pytest.fixture
def stub() -> Iterator[Callable[[Any], Stubber]]:
    """``stub(client)`` activates a Stubber; each must be used up by the end of the test."""
    stubbers: list[Stubber] = []

    def activate(client: Any) -> Stubber:
        stubber = Stubber(client)
        stubber.activate()
        stubbers.append(stubber)
        return stubber

    yield activate
    for stubber in stubbers:
        stubber.deactivate()
        stubber.assert_no_pending_responses()
