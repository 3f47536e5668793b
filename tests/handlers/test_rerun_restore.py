"""After a grant made with no job known: "Re-run the restore" asks for the job in a modal, and
the job given is diagnosed in the request's own thread, where its re-run fixes are offered."""

from __future__ import annotations

import json
from typing import Any

from bot import slack_ids
from tests.handlers.conftest import (
    APPROVER,
    STATUS,
    BotUnderTest,
    create_restore_roles,
    seed_restore_job,
)
from tests.handlers.payloads import block_action, view_submission
from tests.support.slack_requests import command_body, interaction_body, post_signed


def _request_without_job(bot: BotUnderTest) -> tuple[str, str]:
    """The console's error pasted with no failed restore to find: (request id, thread ts)."""
    create_restore_roles()
    body = command_body(STATUS, response_url=bot.slack.response_url("cmd"))
    assert post_signed(bot.url, body).status_code == 200
    card = bot.slack.wait_for("chat.postMessage", 2)[1]
    request_id, thread = bot.card_request(card.args)
    assert thread == card.args["thread_ts"]
    return request_id, thread


def _submit(request_id: str, text: str) -> dict[str, Any]:
    values = {
        slack_ids.RERUN_JOB_BLOCK: {
            slack_ids.RERUN_JOB_ACTION: {"type": "plain_text_input", "value": text}
        }
    }
    return view_submission(
        values,
        APPROVER,
        callback_id=slack_ids.RERUN_MODAL_CALLBACK,
        private_metadata=request_id,
    )


def test_the_button_opens_the_modal_for_this_request(bot: BotUnderTest) -> None:
    request_id, thread = _request_without_job(bot)
    value = slack_ids.encode_value(request_id, "GRANT_PASSROLE")
    click = block_action(
        slack_ids.ACTION_RERUN_ASK, value, APPROVER, "1700000009.000100", thread, "http://x/r"
    )

    assert post_signed(bot.url, interaction_body(click)).status_code == 200

    [opened] = bot.slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == slack_ids.RERUN_MODAL_CALLBACK
    assert opened.args["view"]["private_metadata"] == request_id


def test_a_job_id_is_diagnosed_in_the_request_thread_with_its_re_run(bot: BotUnderTest) -> None:
    request_id, thread = _request_without_job(bot)
    job_id = seed_restore_job(bot)

    response = post_signed(bot.url, interaction_body(_submit(request_id, job_id)))

    assert response.status_code == 200
    assert not response.content or "errors" not in response.json()
    card = bot.slack.wait_for("chat.postMessage", 3)[2]
    assert card.args["thread_ts"] == thread
    text = json.dumps(card.args["blocks"])
    assert job_id in text
    assert "RESTORE_WITHOUT_IAM_ROLE" in text  # the job is known now: the re-run is offered


def test_text_that_is_no_restore_job_is_refused_in_the_modal(bot: BotUnderTest) -> None:
    request_id, _ = _request_without_job(bot)

    response = post_signed(bot.url, interaction_body(_submit(request_id, "tomorrow please")))

    assert response.json()["response_action"] == "errors"
    assert "restore job ID" in response.json()["errors"][slack_ids.RERUN_JOB_BLOCK]


def test_an_expired_request_is_said_in_the_modal(bot: BotUnderTest) -> None:
    job = "0D8B1F7A-1C2E-4B3A-9F6D-5E4C3B2A1908"
    response = post_signed(
        bot.url, interaction_body(_submit("0123456789abcdef0123456789abcdef", job))
    )

    assert response.json()["response_action"] == "errors"
    assert response.json()["errors"][slack_ids.RERUN_JOB_BLOCK]
