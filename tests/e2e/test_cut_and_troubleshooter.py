"""Real pastes, real processes: a cut message answered in full from CloudTrail, and an
authorization-ID error answered from IAM Access Troubleshooter's evaluations.

The web and worker processes run as in production; the AWS stand-in (another process) answers
LookupEvents and GetRequestAuthorizationDetails, which moto does not implement.
"""

from __future__ import annotations

import uuid

import pytest

from bot import slack_ids
from tests.e2e import world
from tests.e2e.conftest import REQUESTER, Aws, Bot
from tests.e2e.slack import SlackDriver
from tests.support.authorization_details import passrole_explicit_deny
from tests.support.trail_events import refused_call

pytestmark = pytest.mark.e2e

SESSION = (
    f"arn:aws:sts::{world.ACCOUNT}:assumed-role/{world.RESTORE_ROLE}/AWSBackup-{world.RESTORE_ROLE}"
)


def test_a_cut_paste_is_answered_in_full_from_cloudtrail(bot: Bot, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    event_id = str(uuid.uuid4())
    record = refused_call(world.ACCOUNT, SESSION, failure.blob, event_id=event_id)
    aws.standin.admin.seed_trail_event(record, account=world.ACCOUNT, region=world.REGION)
    cut = (
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You "
        "are not authorized to perform this operation. Encoded authorization failure message: "
        f"{failure.blob[:300]}..."
    )
    slack = SlackDriver(bot.events_url, bot.slack)

    assert slack.command(cut, REQUESTER).status_code == 200

    card = slack.wait_post(event_id)
    text = card.mrkdwn()
    assert failure.instance_role in text  # only the whole, decoded message names it
    assert "read back from CloudTrail" in text
    assert card.links()[slack_ids.ACTION_OPEN_TRAIL].endswith(f"#/events/{event_id}")
    fixes = [
        b.value.rsplit("|", 1)[-1]
        for b in card.buttons()
        if b.action_id.startswith(slack_ids.ACTION_REQUEST_FIX)
    ]
    assert "RESTORE_WITHOUT_IAM_ROLE" in fixes  # the whole message also found the failed restore
    assert aws.standin.admin.calls().get("cloudtrail:LookupEvents", 0) >= 1


def test_an_authorization_id_error_is_answered_from_its_evaluations(bot: Bot, aws: Aws) -> None:
    failure = world.seed_passrole_failure(aws.iam, aws.standin.admin)
    authorization_id = "E2E" + uuid.uuid4().hex[:20]
    details = passrole_explicit_deny(world.RESTORE_ROLE_ARN, failure.instance_role_arn, SESSION)
    aws.standin.admin.seed_authorization(
        authorization_id, details, account=world.ACCOUNT, region=world.REGION
    )
    error = (
        f"User: {SESSION} is not authorized to perform: iam:PassRole on resource: "
        f"{failure.instance_role_arn} with an explicit deny in an identity-based policy. Go to "
        f"https://{world.REGION}.console.aws.amazon.com/iam/home?region={world.REGION}"
        f"#/authorization-details/{authorization_id} for complete details, or call the "
        "GetRequestAuthorizationDetails API with the following authorization id: "
        + authorization_id
    )
    slack = SlackDriver(bot.events_url, bot.slack)

    assert slack.command(error, REQUESTER).status_code == 200

    card = slack.wait_post("DenyPassRoleOutsideBackup")  # the Sid: only the evaluation names it
    assert "AWS's own evaluation" in card.mrkdwn()
    assert card.links()[slack_ids.ACTION_OPEN_AUTHORIZATION].endswith(authorization_id)
    assert aws.standin.admin.calls().get("iam-toolbox:GetRequestAuthorizationDetails", 0) >= 1
