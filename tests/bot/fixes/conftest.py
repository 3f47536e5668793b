"""AWS for fix tests: moto for IAM roles and inline policies, Stubber for what moto lacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bot.fixes import FixRun
from tests.bot.fixes.factories import REGION, RESTORE_ROLE, account_config

EXISTING_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}],
}


class StubbedSession(boto3.Session):
    """A real session whose clients for some services are given (Stubber-wrapped) ones."""

    def __init__(self, **clients: Any) -> None:
        super().__init__(region_name=REGION)
        self.given = clients

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if service_name in self.given:
            return self.given[service_name]
        return super().client(service_name, *args, **kwargs)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no endpoint overrides, and moto intercepting every AWS call."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_BACKUP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


@pytest.fixture
def iam(aws: None) -> Any:
    """An IAM client on moto with the restore role and one inline policy of its own."""
    client = boto3.client("iam")
    name = RESTORE_ROLE.rsplit("/", 1)[-1]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "backup.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    client.create_role(
        RoleName=name, Path="/service-role/", AssumeRolePolicyDocument=json.dumps(trust)
    )
    client.put_role_policy(
        RoleName=name, PolicyName="existing", PolicyDocument=json.dumps(EXISTING_POLICY)
    )
    return client


@pytest.fixture
def backup(aws: None) -> Any:
    """A Backup client for Stubber (moto has no restore job API)."""
    return boto3.client("backup", region_name=REGION)


def fix_run(
    request_id: str, session: boto3.Session, run: int = 0, sleep: Any = lambda _: None
) -> FixRun:
    """One run of a fix in the test account (IAM's settle pause skipped unless ``sleep`` says)."""
    return FixRun(request_id, session, account_config(), run=run, sleep=sleep)
