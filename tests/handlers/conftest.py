"""The real Bolt app behind its real HTTP adapter (Flask), served over loopback, wired to stand-ins.

Slack: the local Web API stand-in (``SLACK_API_URL``). AWS: moto in server mode behind the local
stand-in for what moto lacks, reached through boto3's standard ``AWS_ENDPOINT_URL_<SERVICE>``
variables. Redis: the real test server. Requests are signed exactly as Slack signs them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from bot import slack_ids
from bot.config import Settings, load_bot_config
from bot.web import create_web_app
from bot.wiring import Services, build_web
from tests.support import aws_standin_testkit
from tests.support.aws_standin import AwsStandin
from tests.support.decoded_messages import passrole_denial
from tests.support.moto_server import MotoThread, reset_moto, start_moto_thread
from tests.support.slack_requests import SIGNING_SECRET
from tests.support.slack_standin import SlackStandin

ACCOUNT = "111122223333"
CHANNEL = "C0PROD"
REQUESTER = "UREQUESTER"
APPROVER = "UAPPROVER"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BLOB = "".join(_ALPHABET[(i * 7919 + i // 3) % 64] for i in range(720))  # blob-shaped, 720 chars
RESTORE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"
INSTANCE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AmazonSSMRoleForInstancesQuickSetup"

DECODED = passrole_denial(
    account=ACCOUNT,
    restore_role=RESTORE_ROLE,
    role_id="AROAAAAAAAAAA",
    passed_role=INSTANCE_ROLE,
    conditions={"aws:Region": "us-east-1"},
)

#: the test account's entry in the accounts file (other test configs add to it)
PROD_ACCOUNT = f"""  - id: "{ACCOUNT}"
    name: prod
    regions: [us-east-1, eu-west-1]
    read_role_arn: arn:aws:iam::{ACCOUNT}:role/BackupDoctorRead
    fix_role_arn: arn:aws:iam::{ACCOUNT}:role/BackupDoctorFix
    external_id: test-external-id
    approvers: [{APPROVER}]
"""
CONFIG = f"""
accounts:
{PROD_ACCOUNT}channels:
  {CHANNEL}: {{ default_account: "{ACCOUNT}", reply: thread }}
  CEPHEMERAL: {{ default_account: "{ACCOUNT}", reply: ephemeral }}
"""


@dataclass
class BotUnderTest:
    """The running bot and the stand-ins around it."""

    url: str  # .../slack/events
    base: str
    slack: SlackStandin
    aws: AwsStandin
    services: Services

    def blocks_text(self, call_args: dict[str, Any]) -> str:
        """Every text of a posted message's blocks, for assertions."""
        return json.dumps(call_args.get("blocks") or [])

    def card_request(self, card_args: dict[str, Any], timeout: float = 5.0) -> tuple[str, str]:
        """The posted card's fix request id and thread, once the bot has recorded the thread.

        The bot records the thread just after Slack answers the post; a person clicks long
        after, a test at once, so it waits for what the person would find.
        """
        request_id = request_id_of(card_args)
        deadline = time.monotonic() + timeout
        while True:
            request = self.services.store.get(request_id)
            if request.thread_ts or time.monotonic() > deadline:
                return request_id, request.thread_ts
            time.sleep(0.01)


def request_id_of(card_args: dict[str, Any]) -> str:
    """The fix request id behind a posted card's first "Request fix" button."""
    for block in card_args.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id", "").startswith(slack_ids.ACTION_REQUEST_FIX):
                return slack_ids.decode_value(element["value"])[0]
    raise AssertionError("no fix button on the card")


@pytest.fixture(scope="session")
def moto() -> Iterator[MotoThread]:
    server = start_moto_thread()
    yield server
    server.stop()


@pytest.fixture
def aws(moto: MotoThread, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsStandin]:
    reset_moto(moto.url)
    aws_standin_testkit.use_fake_aws_env(monkeypatch, tmp_path)
    with AwsStandin(moto.url, state_path=None) as standin:
        for name, value in standin.endpoint_env().items():
            monkeypatch.setenv(name, value)
        standin.register_blob(BLOB, DECODED, account=ACCOUNT)
        yield standin


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    standin = SlackStandin().start()
    standin.add_user(REQUESTER)
    standin.add_user(APPROVER)
    yield standin
    standin.stop()


def bot_settings(
    slack: SlackStandin, redis_url: str, redis_prefix: str, config_file: Path, **more: Any
) -> Settings:
    """The bot's settings for a test: the Slack stand-in, the test Redis, this accounts file."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        config_file=config_file,
        **more,
    )


@pytest.fixture
def bot(
    aws: AwsStandin,
    slack: SlackStandin,
    redis_url: str,
    redis_prefix: str,
    redis_client: Any,
    tmp_path: Path,
) -> Iterator[BotUnderTest]:
    config_file = tmp_path / "backup-doctor.yaml"
    config_file.write_text(CONFIG)
    settings = bot_settings(slack, redis_url, redis_prefix, config_file, work_threads=4)
    services = build_web(settings, load_bot_config(config_file), redis_url)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, create_web_app(services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    yield BotUnderTest(f"{base}/slack/events", base, slack, aws, services)
    server.shutdown()
    server.server_close()
    services.work.shutdown(wait=True)


RECOVERY_POINT = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
STATUS = (
    "You are not authorized to perform this operation. Please consult the permissions associated "
    "with your AWS Backup role(s), and refer to the AWS Backup documentation for more details. "
    f"Encoded authorization failure message: {BLOB}"
)


def create_restore_roles() -> None:
    """The restore role (under service-role/) and the instance role, in moto's IAM."""
    iam = aws_standin_testkit.client("iam", aws_standin_testkit.assume("Admin", ACCOUNT))
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    iam.create_role(
        RoleName="AWSBackupDefaultServiceRole",
        Path="/service-role/",
        AssumeRolePolicyDocument=trust,
    )
    iam.create_role(RoleName="AmazonSSMRoleForInstancesQuickSetup", AssumeRolePolicyDocument=trust)


def seed_restore_failure(bot: BotUnderTest) -> str:
    """The classic failure: an EC2 restore whose role may not pass the instance role; its id."""
    create_restore_roles()
    return seed_restore_job(bot)


def seed_restore_job(bot: BotUnderTest) -> str:
    """The failed restore job of the classic failure (its roles created already); its id."""
    return bot.aws.seed_restore_job(
        RECOVERY_POINT,
        status="FAILED",
        status_message=STATUS,
        account=ACCOUNT,
        region="us-east-1",
        iam_role_arn=RESTORE_ROLE,
        metadata={"IamInstanceProfileName": "AmazonSSMRoleForInstancesQuickSetup"},
    )
