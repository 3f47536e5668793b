"""Helpers for tests that talk to the AWS stand-in: fake credentials, clients, assumed roles.

The fixtures are used by assigning them in a test module (``standin = aws_standin_testkit.standin``)
because this folder's conftest is not the stand-in's to change.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.aws_standin import AwsStandin
from tests.support.moto_server import MotoThread, reset_moto, start_moto_thread

ACCOUNT = "111122223333"
"""The account tests assume roles in (moto's default account is 123456789012)."""

REGION = "us-east-1"
"""The Region every test client uses."""

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
"""One attempt per call, so a test sees each injected fault."""


def use_fake_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake static credentials and no profile or config file, so nothing reaches real AWS."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@functools.cache
def _models() -> boto3.session.Session:
    """One session for every test client, so each service model is loaded once per run."""
    return boto3.session.Session()


def client(
    service: str,
    creds: dict[str, str] | None = None,
    config: Config = NO_RETRIES,
    region: str = REGION,
) -> Any:
    """A boto3 client (with ``creds`` from AssumeRole, else the environment's) that finds its
    endpoint in ``AWS_ENDPOINT_URL_<SERVICE>``."""
    creds = creds or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
    return _models().client(
        service,  # type: ignore[call-overload]
        region_name=region,
        config=config,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
    )


def assume(role_name: str = "Reader", account: str = ACCOUNT) -> dict[str, str]:
    """Credentials of a role in ``account`` from moto's AssumeRole (moto accepts any role)."""
    arn = f"arn:aws:iam::{account}:role/{role_name}"
    response = client("sts").assume_role(RoleArn=arn, RoleSessionName="backup-doctor")
    return dict(response["Credentials"])


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    """The AWS error code of a raised ``ClientError``."""
    return str(error.value.response["Error"]["Code"])


def http_status(error: pytest.ExceptionInfo[ClientError]) -> int:
    """The HTTP status of a raised ``ClientError``."""
    return int(error.value.response["ResponseMetadata"]["HTTPStatusCode"])


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoThread]:
    """A moto server in a thread, shared by a test module."""
    server = start_moto_thread()
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials for the test (see :func:`use_fake_aws_env`)."""
    use_fake_aws_env(monkeypatch, tmp_path)


@pytest.fixture
def standin(
    moto: MotoThread, aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AwsStandin]:
    """A fresh stand-in on an emptied moto, with ``AWS_ENDPOINT_URL_*`` pointing at it."""
    reset_moto(moto.url)
    with AwsStandin(moto.url) as server:
        for name, value in server.endpoint_env().items():
            monkeypatch.setenv(name, value)
        yield server
