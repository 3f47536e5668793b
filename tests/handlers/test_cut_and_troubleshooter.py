"""What people really paste: a cut encoded message, and the newer authorization-ID errors.

A cut message is read back, whole, from the CloudTrail event of the refused call and decoded; an
authorization ID is explained from IAM Access Troubleshooter's own evaluation. Both through the
real Bolt app, with the AWS stand-in answering LookupEvents and GetRequestAuthorizationDetails.
"""

from __future__ import annotations

import json
from typing import Any

from bot import slack_ids
from tests.handlers.conftest import (
    ACCOUNT,
    BLOB,
    CHANNEL,
    INSTANCE_ROLE,
    RESTORE_ROLE,
    STATUS,
    BotUnderTest,
    create_restore_roles,
    request_id_of,
    seed_restore_failure,
)
from tests.support.authorization_details import DENY_POLICY, passrole_explicit_deny
from tests.support.slack_requests import command_body, post_signed
from tests.support.trail_events import refused_call

RESTORE_SESSION = (
    f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSBackupDefaultServiceRole/"
    "AWSBackup-AWSBackupDefaultServiceRole"
)
CUT_ERROR = (
    "Error: creating EC2 Instance: operation error EC2: RunInstances, https response error "
    "StatusCode: 403, RequestID: 5b3c1d2e-0000-4000-8000-000000000000, api error "
    "UnauthorizedOperation: You are not authorized to perform this operation. Encoded "
    f"authorization failure message: {BLOB[:240]}..."
)
AUTHORIZATION_ID = "EXAMPLEa1b2c3d4e5f6g7h8i9j0"
TROUBLESHOOTER_ERROR = (
    f"An error occurred (AccessDenied) when calling the PassRole operation: User: "
    f"{RESTORE_SESSION} is not authorized to perform: iam:PassRole on resource: {INSTANCE_ROLE} "
    "with an explicit deny in an identity-based policy. Go to https://us-east-1.console.aws."
    f"amazon.com/iam/home?region=us-east-1#/authorization-details/{AUTHORIZATION_ID} for "
    "complete details, or call the GetRequestAuthorizationDetails API with the following "
    f"authorization id: {AUTHORIZATION_ID}"
)


def _card(bot: BotUnderTest, text: str) -> dict[str, Any]:
    body = command_body(text, response_url=bot.slack.response_url("cmd"))
    assert post_signed(bot.url, body).status_code == 200
    parent, card = bot.slack.wait_for("chat.postMessage", 2)
    assert parent.args["channel"] == CHANNEL
    return card.args


def _links(card: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["url"]
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    }


def test_a_cut_message_is_read_back_from_cloudtrail_and_explained_in_full(
    bot: BotUnderTest,
) -> None:
    record = refused_call(ACCOUNT, RESTORE_SESSION, BLOB, event_id="7e0c2a4b-e2e0-4c1d-9f00-1")
    bot.aws.seed_trail_event(record, account=ACCOUNT, region="us-east-1")

    card = _card(bot, CUT_ERROR)

    text = json.dumps(card["blocks"])
    assert "iam:PassRole" in text  # only the whole, decoded message says what was denied
    assert "AmazonSSMRoleForInstancesQuickSetup" in text
    assert "read back from CloudTrail" in text
    assert "7e0c2a4b-e2e0-4c1d-9f00-1" in text
    assert "is cut off" not in text
    assert _links(card)[slack_ids.ACTION_OPEN_TRAIL].endswith("#/events/7e0c2a4b-e2e0-4c1d-9f00-1")
    calls = bot.aws.calls()
    assert calls.get("cloudtrail:LookupEvents", 0) >= 1
    assert calls.get("sts:DecodeAuthorizationMessage", 0) == 1


def test_a_cut_message_cloudtrail_does_not_hold_says_so_and_links_the_search(
    bot: BotUnderTest,
) -> None:
    other = refused_call(ACCOUNT, RESTORE_SESSION, BLOB[::-1])  # someone else's refusal
    bot.aws.seed_trail_event(other, account=ACCOUNT, region="us-east-1")

    card = _card(bot, CUT_ERROR)

    text = json.dumps(card["blocks"])
    assert "is cut off" in text
    assert "no matching refused RunInstances call" in text
    assert bot.aws.calls().get("sts:DecodeAuthorizationMessage", 0) == 0
    assert _links(card)[slack_ids.ACTION_OPEN_TRAIL].endswith("#/events?EventName=RunInstances")


def test_an_authorization_id_error_is_explained_from_its_evaluations(bot: BotUnderTest) -> None:
    details = passrole_explicit_deny(
        "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
        INSTANCE_ROLE,
        RESTORE_SESSION,
    )
    bot.aws.seed_authorization(AUTHORIZATION_ID, details, account=ACCOUNT, region="us-east-1")

    card = _card(bot, TROUBLESHOOTER_ERROR)

    text = json.dumps(card["blocks"])
    assert "DenyPassRoleOutsideBackup" in text  # the Sid: only the evaluation names it
    assert DENY_POLICY in text
    assert "AWS's own evaluation" in text
    assert _links(card)[slack_ids.ACTION_OPEN_AUTHORIZATION].endswith(
        f"#/authorization-details/{AUTHORIZATION_ID}"
    )
    assert bot.aws.calls().get("iam-toolbox:GetRequestAuthorizationDetails", 0) >= 1


def test_an_authorization_id_asked_twice_is_read_from_aws_once(bot: BotUnderTest) -> None:
    details = passrole_explicit_deny(
        "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
        INSTANCE_ROLE,
        RESTORE_SESSION,
    )
    bot.aws.seed_authorization(AUTHORIZATION_ID, details, account=ACCOUNT, region="us-east-1")
    _card(bot, TROUBLESHOOTER_ERROR)
    before = bot.aws.calls().get("iam-toolbox:GetRequestAuthorizationDetails", 0)
    body = command_body(
        TROUBLESHOOTER_ERROR, response_url=bot.slack.response_url("cmd2"), trigger_id="1337.43.b"
    )
    assert post_signed(bot.url, body).status_code == 200
    second = bot.slack.wait_for("chat.postMessage", 4)[3]

    assert "DenyPassRoleOutsideBackup" in json.dumps(second.args["blocks"])
    assert bot.aws.calls().get("iam-toolbox:GetRequestAuthorizationDetails", 0) == before


def test_authorization_details_not_there_yet_fall_back_to_the_sentence(bot: BotUnderTest) -> None:
    card = _card(bot, TROUBLESHOOTER_ERROR)

    text = json.dumps(card["blocks"])
    assert "iam:PassRole" in text  # the sentence's facts stay
    assert "has no details for authorization id" in text


def test_a_cut_backup_console_error_is_read_whole_from_its_failed_restore(
    bot: BotUnderTest,
) -> None:
    job_id = seed_restore_failure(bot)
    cut = STATUS[: STATUS.index(BLOB) + 120] + "..."

    card = _card(bot, cut)

    text = json.dumps(card["blocks"])
    assert "iam:PassRole" in text
    assert job_id in text
    assert "read from the failed job" in text
    assert "is cut off" not in text
    assert "RESTORE_WITHOUT_IAM_ROLE" in _fix_buttons(card)  # the job is known: re-run offered


def _fix_buttons(card: dict[str, Any]) -> list[str]:
    return [
        slack_ids.decode_value(element["value"])[1]
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(slack_ids.ACTION_REQUEST_FIX)
    ]


def test_the_classic_paste_with_no_job_to_find_still_offers_the_exact_grant(
    bot: BotUnderTest,
) -> None:
    create_restore_roles()

    card = _card(bot, STATUS)  # the console's error; no failed restore carries it

    assert _fix_buttons(card) == ["GRANT_PASSROLE"]  # the re-run needs the job; the grant not
    request = bot.services.store.get(request_id_of(card))
    assert request is not None
    grant = next(r for r in request.diagnosis.remedies if r.id == "GRANT_PASSROLE")
    assert grant.attach_to == RESTORE_ROLE  # with its service-role/ path, read from IAM
    assert bot.aws.calls().get("iam:GetRole", 0) >= 1
