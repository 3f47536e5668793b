"""Scenario 6: what an attacker or a careless paste can do, and what the bot must not do."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

import pytest
import requests
from rq import Queue
from rq.job import Job

from bot import slack_ids
from bot.worker.queues import SERIALIZER, fix_queue
from bot.worker.tasks import queue_name, run_fix
from tests.e2e import world
from tests.e2e.conftest import APPROVER, BOT_TOKEN, BYSTANDER, REQUESTER, Aws, Bot
from tests.e2e.processes import eventually
from tests.e2e.slack import SlackDriver, mrkdwn_texts, response_text
from tests.support.slack_requests import SIGNING_SECRET, command_body, signed_headers

pytestmark = pytest.mark.e2e

MOTO_SESSION_TOKEN_PREFIX = "FQoGZXIvYXdzEBYaD"


def _slack_calls(bot: Bot) -> int:
    return len([c for c in bot.slack.calls if c.method != "auth.test"])


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(
            lambda body: {"Content-Type": "application/x-www-form-urlencoded"}, id="unsigned"
        ),
        pytest.param(lambda body: signed_headers(body, secret="not-the-secret"), id="wrong-secret"),
        pytest.param(
            lambda body: signed_headers(body, timestamp=int(time.time()) - 6 * 60), id="stale"
        ),
    ],
)
def test_requests_slack_did_not_sign_are_refused(bot: Bot, slack: SlackDriver, headers) -> None:  # type: ignore[no-untyped-def]
    body = command_body("help", user_id=REQUESTER, channel_id=slack.channel)
    before = _slack_calls(bot)

    answer = requests.post(slack.events_url, data=body.encode(), headers=headers(body), timeout=10)

    assert answer.status_code == 401
    assert _slack_calls(bot) == before


def test_a_replayed_signature_on_a_tampered_body_is_refused(bot: Bot, slack: SlackDriver) -> None:
    original = command_body("help", user_id=REQUESTER, channel_id=slack.channel)
    tampered = command_body("help", user_id=APPROVER, channel_id=slack.channel)
    before = _slack_calls(bot)

    answer = requests.post(
        slack.events_url, data=tampered.encode(), headers=signed_headers(original), timeout=10
    )

    assert answer.status_code == 401
    assert _slack_calls(bot) == before


def test_someone_who_is_not_an_approver_cannot_approve(
    slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    slack.click(REQUESTER, card, card.button("request_fix", "GRANT_PASSROLE"))
    approval = slack.wait_post("Approval needed")
    request_id = approval.button(slack_ids.ACTION_APPROVE).value.split("|")[1]

    name = slack.click(BYSTANDER, approval, approval.button(slack_ids.ACTION_APPROVE))

    assert "approv" in response_text(slack.wait_response(name)).lower()
    assert bot.store.get(request_id).state == "FIX_REQUESTED"
    assert bot.redis.llen(f"rq:queue:{queue_name(bot.prefix)}") == 0


@pytest.mark.parametrize("target", ["diagnosed", "nonexistent"])
def test_the_worker_refuses_a_job_pushed_straight_into_redis(
    target: str, slack: SlackDriver, bot: Bot, aws: Aws
) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    slack.command(failure.job_id, REQUESTER)
    card = slack.wait_post("iam:PassRole")
    diagnosed = card.button("request_fix", "GRANT_PASSROLE").value.split("|")[1]
    request_id = diagnosed if target == "diagnosed" else "0" * 32
    policies_before = world.inline_policies(aws.iam)
    restores_before = len(aws.standin.admin.restore_jobs())

    job = fix_queue(bot.redis, bot.prefix).enqueue(run_fix, request_id)

    eventually(lambda: job.get_status(refresh=True) in ("finished", "failed"), 20, "the job")
    assert world.inline_policies(aws.iam) == policies_before
    assert len(aws.standin.admin.restore_jobs()) == restores_before
    if target == "diagnosed":
        assert (
            Job.fetch(job.id, connection=bot.redis, serializer=SERIALIZER).return_value()
            == "DIAGNOSED"
        )
        assert bot.store.get(diagnosed).state == "DIAGNOSED"


def test_hostile_text_is_escaped_in_everything_the_bot_posts(slack: SlackDriver, bot: Bot) -> None:
    hostile = (
        "<!channel> <!here> <@UBOB> <https://evil.example|click me> "
        "User: arn:aws:sts::111122223333:assumed-role/<!channel>/s is not authorized to perform: "
        "iam:PassRole on resource: arn:aws:iam::111122223333:role/<https://evil|ok> "
        "because no identity-based policy allows the iam:PassRole action"
    )
    name = "hostile"

    slack.command(hostile, REQUESTER, response_name=name)

    eventually(lambda: slack.thread_posts() or slack.responses(name), what="an answer")
    posted = [p.blocks for p in slack.thread_posts()] + [
        r.get("blocks") or [] for r in slack.responses(name)
    ]
    texts = [t for blocks in posted for t in mrkdwn_texts(blocks)]
    assert texts
    for text in texts:
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "<https://evil" not in text
        assert "<@UBOB>" not in text


def test_a_40_kb_paste_is_answered_without_crashing(slack: SlackDriver, bot: Bot) -> None:
    paste = ("Encoded authorization failure message: " + "Ab1-" * 10_000)[:40_000]

    answer = slack.command(paste, REQUESTER, response_name="huge")

    assert answer.status_code == 200
    eventually(lambda: slack.responses("huge") or slack.thread_posts(), what="an answer")
    assert bot.web.alive()


def test_invalid_utf8_in_a_signed_form_body_does_not_crash_the_web_process(
    slack: SlackDriver, bot: Bot
) -> None:
    body = command_body("x", user_id=REQUESTER, channel_id=slack.channel).encode()
    body = body.replace(b"text=x", b"text=%FF%FE\xff\xfe")
    timestamp = str(int(time.time()))
    digest = hmac.new(
        SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    )
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
        "Content-Type": "application/x-www-form-urlencoded",
    }

    answer = requests.post(slack.events_url, data=body, headers=headers, timeout=10)

    assert answer.status_code < 500
    assert bot.web.alive()
    assert slack.command("help", REQUESTER).status_code == 200


def test_no_secret_reaches_the_processes_logs(bot: Bot) -> None:
    logs = bot.all_logs()

    assert "worker ready" in logs  # the logs are really there
    for secret in (BOT_TOKEN, SIGNING_SECRET, world.SECRET_ACCESS_KEY, MOTO_SESSION_TOKEN_PREFIX):
        assert secret not in logs, f"{secret[:8]}... appears in the logs"


def test_a_forged_job_naming_another_function_is_refused_unrun(bot: Bot, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    queue = fix_queue(bot.redis, bot.prefix)
    job = queue.enqueue("pathlib.Path.touch", str(marker))

    eventually(lambda: job.get_status(refresh=True) == "failed", 20, "the job to be refused")
    assert not marker.exists()
    assert "refused" in (
        Job.fetch(job.id, connection=bot.redis, serializer=SERIALIZER).exc_info or ""
    )


def test_a_pickled_job_is_never_unpickled(bot: Bot, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    pickled = Queue(fix_queue(bot.redis, bot.prefix).name, connection=bot.redis)  # rq's default
    job = pickled.enqueue("pathlib.Path.touch", str(marker))

    eventually(lambda: not pickled.job_ids, 20, "the worker to take the job")
    eventually(
        lambda: bot.redis.exists(f"rq:job:{job.id}") == 0 or _status(bot, job.id) != "queued",
        20,
        "the job to be dealt with",
    )
    assert not marker.exists()


def _status(bot: Bot, job_id: str) -> str:
    raw = bot.redis.hget(f"rq:job:{job_id}", "status")
    return raw.decode() if raw else ""
