"""The exact role ARN behind a session, read with iam:GetRole on moto's IAM."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.aws.roles import RoleReader
from bot.aws.sessions import ReadSessions
from tests.bot.aws.conftest import PROD, CallLog

ROLE = "AWSBackupDefaultServiceRole"


@pytest.fixture
def iam(sessions: ReadSessions) -> Any:
    client = sessions.client(PROD.id, "iam", "us-east-1")
    trust = {"Version": "2012-10-17", "Statement": []}
    client.create_role(
        RoleName=ROLE, Path="/service-role/", AssumeRolePolicyDocument=json.dumps(trust)
    )
    return client


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_role_comes_back_with_its_path(iam: Any, sessions: ReadSessions) -> None:
    reader = RoleReader(sessions)

    assert reader.exact_arn(PROD, ROLE) == f"arn:aws:iam::{PROD.id}:role/service-role/{ROLE}"


def test_a_role_read_once_is_not_read_again_until_it_expires(
    iam: Any, sessions: ReadSessions, call_log: CallLog
) -> None:
    clock = Clock()
    reader = RoleReader(sessions, ttl_seconds=600, clock=clock)
    reader.exact_arn(PROD, ROLE)
    reader.exact_arn(PROD, ROLE)
    assert call_log.count("GetRole") == 1

    clock.now = 601
    reader.exact_arn(PROD, ROLE)
    assert call_log.count("GetRole") == 2


def test_an_unknown_role_is_none_and_is_not_remembered(
    iam: Any, sessions: ReadSessions, call_log: CallLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.aws.roles")
    reader = RoleReader(sessions)

    assert reader.exact_arn(PROD, "no-such-role") is None
    assert reader.exact_arn(PROD, "no-such-role") is None
    assert call_log.count("GetRole") == 2
    assert "NoSuchEntity" in caplog.text
