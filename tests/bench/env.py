"""The benchmark world: Redis, moto + the AWS stand-in, the Slack stand-in, the bot processes.

Everything listens on 127.0.0.1 and everything started here is stopped by :meth:`BenchEnv.close`.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import requests
import yaml
from werkzeug.wrappers import Request, Response

from bot.redis_server import RedisEndpoint, start_embedded
from tests.support.aws_standin import StandinProcess, start_standin_process
from tests.support.decoded_messages import passrole_denial
from tests.support.moto_server import MotoProcess, free_port, start_moto_process
from tests.support.slack_requests import SIGNING_SECRET
from tests.support.slack_standin import SlackStandin

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per Slack call

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "eu-west-1")
READ_ROLE = "BackupDoctorRead"
FIX_ROLE = "BackupDoctorFix"
CHANNEL = "C0BENCH"
AWS_LATENCY = 0.100
_USER = re.compile(r"<@(\w+)>")


def decoded_message(account: str) -> dict[str, Any]:
    """A realistic decoded PassRole denial of AWS Backup in ``account``."""
    return passrole_denial(
        account=account,
        role_id="AROAEXAMPLEID",
        session="AWSBackup",
        passed_role=f"arn:aws:iam::{account}:role/RestoreTargetRole",
    )


def new_blob() -> str:
    """A fresh encoded-message-looking blob (never seen before: a decode cache miss)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(600)).decode().rstrip("=")


def command_text(blob: str) -> str:
    """What a user pastes: the AWS error with its encoded message."""
    return (
        "An error occurred (AccessDeniedException) when calling the StartRestoreJob operation: "
        "User is not authorized to perform: iam:PassRole. "
        f"Encoded authorization failure message: {blob}"
    )


class RecordingSlack(SlackStandin):
    """The Slack stand-in, remembering when each asker's card arrived in its thread.

    Each benchmark command uses its own user id; the parent message names it (``<@U...>``) and
    the card is posted with that parent's ``thread_ts``. Raw calls are trimmed so a long run does
    not keep every message in memory.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parents: dict[str, str] = {}
        self.answered: dict[str, float] = {}
        self.errors = 0
        self._seen = threading.Condition()

    def _handle(self, request: Request) -> Response:
        response = super()._handle(request)
        with self._lock:
            if len(self.calls) > 500:
                self.calls.clear()
        return response

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        body = super()._answer(method, args)
        if method in ("chat.postEphemeral", "response_url"):
            with self._seen:
                self.errors += 1
        if method != "chat.postMessage":
            return body
        now = time.monotonic()
        with self._seen:
            thread_ts = args.get("thread_ts")
            if thread_ts:
                user = self._parents.pop(str(thread_ts), None)
                if user is not None:
                    self.answered[user] = now
                    self._seen.notify_all()
            else:
                found = _USER.search(str(args.get("text", "")))
                if found:
                    self._parents[str(body["ts"])] = found.group(1)
        return body

    def wait_answers(self, users: set[str], timeout: float) -> int:
        """Wait (at most ``timeout`` s) until each of ``users`` got a card; return how many."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                got = sum(1 for u in users if u in self.answered)
                left = deadline - time.monotonic()
                if got == len(users) or left <= 0:
                    return got
                self._seen.wait(min(left, 0.5))

    def forget(self) -> None:
        """Drop what was recorded so far."""
        with self._seen:
            self.answered.clear()
            self._parents.clear()
            self.errors = 0
        self.reset()


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB, from /proc/<pid>/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    """Direct child pids of ``pid``."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


class BenchEnv:
    """Starts the stand-ins and the bot's processes; :meth:`close` stops all of them."""

    def __init__(self) -> None:
        # mkdtemp, not TemporaryDirectory: its finalizer would delete a kept dir at exit
        self.tmp = Path(tempfile.mkdtemp(prefix="bd-bench-"))
        self._procs: list[subprocess.Popen[bytes]] = []
        self._redis: RedisEndpoint | None = None
        self.moto: MotoProcess | None = None
        self.aws: StandinProcess | None = None
        self.slack = RecordingSlack()
        self.web_port = 0
        self.web: subprocess.Popen[bytes] | None = None

    # -- setup -----------------------------------------------------------------------------
    def start(self) -> BenchEnv:
        self.redis_url = os.environ.get("REDIS_URL") or self._embedded_redis()
        self.prefix = f"bdbench-{uuid.uuid4().hex[:8]}"
        self._fake_aws_credentials()
        self.moto = start_moto_process(log_path=self.tmp / "moto.log")
        self.aws = start_standin_process(self.moto.url, log_path=self.tmp / "standin.log", cwd=ROOT)
        os.environ.update(self.aws.endpoint_env())
        self._create_roles()
        self.slack.start()
        self.config_file = self.tmp / "backup-doctor.yaml"
        self.config_file.write_text(yaml.safe_dump(self._config()))
        (self.tmp / "metrics").mkdir()
        return self

    def _embedded_redis(self) -> str:
        self._redis = start_embedded(self.tmp)
        return self._redis.url

    def _fake_aws_credentials(self) -> None:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
        os.environ.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=str(self.tmp / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.tmp / "no-aws-credentials"),
        )

    def _create_roles(self) -> None:
        """Create the read and fix roles in each account (moto lets any role be assumed)."""
        sts = boto3.client("sts")
        trust = json.dumps({"Version": "2012-10-17", "Statement": []})
        for account in ACCOUNTS:
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="bench-setup",
            )["Credentials"]
            iam = boto3.client(
                "iam",
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
            for role in (READ_ROLE, FIX_ROLE):
                iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)

    def _config(self) -> dict[str, Any]:
        return {
            "accounts": [
                {
                    "id": account,
                    "name": f"bench{i}",
                    "regions": list(REGIONS),
                    "read_role_arn": f"arn:aws:iam::{account}:role/{READ_ROLE}",
                    "fix_role_arn": f"arn:aws:iam::{account}:role/{FIX_ROLE}",
                    "external_id": "bench-external-id",
                    "approvers": ["UAPPROVER"],
                }
                for i, account in enumerate(ACCOUNTS)
            ],
            "channels": {CHANNEL: {"default_account": ACCOUNTS[0], "reply": "thread"}},
        }

    def bot_env(self) -> dict[str, str]:
        """The environment of ``python -m bot web|worker``."""
        env = dict(os.environ)
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.slack.url,
            REDIS_URL=self.redis_url,
            REDIS_PREFIX=self.prefix,
            CONFIG_FILE=str(self.config_file),
            PROMETHEUS_MULTIPROC_DIR=str(self.tmp / "metrics"),
            WORKER_METRICS_PORT=str(free_port()),
            LOG_LEVEL="WARNING",
            DATA_DIR=str(self.tmp / "data"),
        )
        env.pop("SLACK_APP_TOKEN", None)
        return env

    def register(self, blob: str, account: str = ACCOUNTS[0]) -> None:
        """Make ``blob`` decodable in ``account`` at the AWS stand-in."""
        assert self.aws is not None
        self.aws.admin.register_blob(blob, decoded_message(account), account=account)

    # -- the bot's processes -----------------------------------------------------------------
    def start_web(self) -> subprocess.Popen[bytes]:
        """``python -m bot web`` (gunicorn) on a free port; returns once /healthz answers."""
        self.web_port = free_port()
        env = self.bot_env() | {"PORT": str(self.web_port)}
        self.web = self._spawn(["web"], env, "web.log")
        _wait_http(f"{self.url}/healthz", self.web)
        return self.web

    def start_worker(self) -> subprocess.Popen[bytes]:
        """``python -m bot worker``; returns once it registered with rq."""
        proc = self._spawn(["worker"], self.bot_env(), f"worker-{len(self._procs)}.log")
        time.sleep(3.0)
        if proc.poll() is not None:
            raise RuntimeError(f"the worker exited with {proc.returncode}; see {self.tmp}")
        return proc

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def web_worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes under the web master (WEB_CONCURRENCY)."""
        assert self.web is not None
        return sorted(children(self.web.pid)) or [self.web.pid]

    def _spawn(self, args: list[str], env: dict[str, str], log: str) -> subprocess.Popen[bytes]:
        out = (self.tmp / log).open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        self._procs.append(proc)
        return proc

    # -- teardown ----------------------------------------------------------------------------
    def close(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.slack.stop()
        if self.aws is not None:
            self.aws.stop()
        if self.moto is not None:
            self.moto.stop()
        if self._redis is not None:
            self._redis.stop()
        else:
            _drop_prefix(self.redis_url, self.prefix)
        if os.environ.get("BENCH_KEEP_TMP"):
            print(f"(kept {self.tmp})", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> BenchEnv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def _drop_prefix(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    rq_keys = [k for k in client.scan_iter(match=f"rq:*{prefix}*", count=1000)]
    if rq_keys:
        client.delete(*rq_keys)
    client.close()
