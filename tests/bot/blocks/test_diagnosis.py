"""The diagnosis card: headline, evidence, remedies in the right order, and safe buttons."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot import slack_ids
from bot.blocks import diagnosis_card, summary_text
from bot.diagnosis import diagnose
from bot.inputs import parse_input
from bot.models import Denial, Diagnosis, MatchedStatement, ParsedInput, Remedy, TrailLookup
from tests.bot.blocks.samples import ACCOUNT, JOB_ID, make_diagnosis
from tests.bot.blocks.slack_checks import as_dicts, assert_within_slack_limits


def _card(diagnosis: Diagnosis, **kwargs: Any) -> list[dict[str, Any]]:
    kwargs.setdefault("account_label", f"prod ({ACCOUNT})")
    blocks = diagnosis_card(diagnosis, request_id="req-1", **kwargs)
    assert_within_slack_limits(blocks)
    return as_dicts(blocks)


def _buttons(card: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in card if b["type"] == "actions" for e in b["elements"]]


def test_headline_names_the_role_the_action_and_the_resource(diagnosis: Diagnosis) -> None:
    headline = _card(diagnosis)[0]["text"]["text"]
    assert headline == (
        "*AWSBackupDefaultServiceRole* was denied `iam:PassRole` on "
        f"`arn:aws:iam::{ACCOUNT}:role/app-instance-role`"
    )


def test_headline_falls_back_to_the_principal_without_a_role() -> None:
    denial = Denial(principal_arn="arn:aws:iam::111122223333:user/alice", action="s3:GetObject")
    card = _card(make_diagnosis(denial=denial))
    assert (
        card[0]["text"]["text"]
        == "*arn:aws:iam::111122223333:user/alice* was denied `s3:GetObject`"
    )


def test_why_comes_right_after_the_headline(diagnosis: Diagnosis) -> None:
    why = _card(diagnosis)[1]["text"]["text"]
    assert why == (
        "*The restore role may not pass the instance role*\n"
        "AWS Backup needs iam:PassRole on the role of the instance."
    )


def test_evidence_fields_show_account_region_job_and_deny(diagnosis: Diagnosis) -> None:
    fields = [f["text"] for f in _card(diagnosis)[2]["fields"]]
    assert fields[0] == f"*Account*\nprod ({ACCOUNT})"
    assert fields[1] == "*Region*\neu-west-1"
    assert fields[2].startswith(f"*Job*\n`{JOB_ID}`\nrestore · FAILED · <!date^")
    assert fields[3] == "*Deny*\nExplicit deny in a service control policy (SCP)"


def test_explicit_deny_shows_the_matched_statement_and_its_condition(
    diagnosis: Diagnosis,
) -> None:
    statements = _card(diagnosis)[3]["text"]["text"]
    assert statements == (
        "*Matched statements*\n• `DenyPassRoleOutsideEU`, condition "
        "`StringNotEquals:aws:RequestedRegion`: `eu-west-1`, `eu-central-1`"
    )


def test_two_hundred_matched_statements_show_three_and_a_count() -> None:
    statements = [MatchedStatement(sid=f"Sid{i}", conditions={"k": ["v"] * 50}) for i in range(200)]
    base = make_diagnosis()
    assert base.denial is not None
    denial = base.denial.model_copy(update={"matched_statements": statements})
    text = _card(make_diagnosis(denial=denial))[3]["text"]["text"]
    assert text.count("• ") == 3
    assert text.endswith("… and 197 more")
    assert "and 47 more" in text


def test_remedy_that_changes_no_iam_comes_first(diagnosis: Diagnosis) -> None:
    buttons = _buttons(_card(diagnosis))
    assert [b.get("value") for b in buttons[:2]] == [
        "v1|req-1|RESTORE_WITHOUT_IAM_ROLE",
        "v1|req-1|GRANT_PASSROLE",
    ]
    assert [b["action_id"] for b in buttons[:2]] == ["request_fix:0", "request_fix:1"]
    assert buttons[0]["style"] == "primary"


def test_remedy_buttons_say_they_need_approval_and_confirm_what_happens(
    diagnosis: Diagnosis,
) -> None:
    restore, grant = _buttons(_card(diagnosis))[:2]
    assert restore["text"]["text"] == "Restore without an instance profile · needs approval"
    assert restore["confirm"]["title"]["text"] == "Request this fix?"
    restore_text = restore["confirm"]["text"]["text"]
    assert restore_text.startswith("Starts a new restore from the recovery point of job ")
    assert "with no IAM role for the instance. No IAM change." in restore_text
    assert restore_text.endswith("Nothing changes until another person approves it.")
    assert grant["confirm"]["text"]["text"] == (
        "Adds the inline policy backup-doctor-passrole to AWSBackupDefaultServiceRole. "
        "Nothing changes until another person approves it."
    )


def test_a_remedy_confirms_what_the_catalogue_says_its_fix_does(diagnosis: Diagnosis) -> None:
    said = (
        "Adds an inline policy to AWSBackupDefaultServiceRole allowing iam:PassRole on "
        "AppInstanceRole only, then re-runs the restore with the original IAM role."
    )
    remedies = [
        r.model_copy(update={"confirm": said}) if r.fix == "GRANT_PASSROLE" else r
        for r in diagnosis.remedies
    ]
    card = _card(diagnosis.model_copy(update={"remedies": remedies}))
    grant = next(b for b in _buttons(card) if b.get("value", "").endswith("|GRANT_PASSROLE"))
    assert grant["confirm"]["text"]["text"] == (
        "Adds an inline policy to AWSBackupDefaultServiceRole allowing iam:PassRole on "
        "AppInstanceRole only, then re-runs the restore with the original IAM role. "
        "Nothing changes until another person approves it."
    )


def test_remedies_the_bot_cannot_do_are_text_not_buttons(diagnosis: Diagnosis) -> None:
    card = _card(diagnosis)
    values = [b.get("value", "") for b in _buttons(card)]
    assert not any("ASK_SCP_OWNER" in v for v in values)
    listing = next(b for b in card if "What you can do" in b.get("text", {}).get("text", ""))
    assert (
        "*Ask the owner of the SCP* (the bot can't do this one for you)" in listing["text"]["text"]
    )


def test_decoded_message_button_is_for_the_requester_only(diagnosis: Diagnosis) -> None:
    decoded = next(
        b for b in _buttons(_card(diagnosis)) if b["action_id"] == slack_ids.ACTION_SHOW_DECODED
    )
    assert decoded["text"]["text"] == "Show decoded message (only you)"
    assert slack_ids.decode_value(decoded["value"]) == ("req-1", "")


def test_no_decoded_button_without_a_decoded_message() -> None:
    card = _card(make_diagnosis(decoded_message=None))
    assert slack_ids.ACTION_SHOW_DECODED not in [b["action_id"] for b in _buttons(card)]


def test_links_open_the_job_and_the_role_in_the_console(diagnosis: Diagnosis) -> None:
    links = {b["action_id"]: b["url"] for b in _buttons(_card(diagnosis)) if "url" in b}
    assert links == {
        slack_ids.ACTION_OPEN_JOB: "https://eu-west-1.console.aws.amazon.com/backup/home"
        f"?region=eu-west-1#/jobs/restore/details/{JOB_ID}",
        slack_ids.ACTION_OPEN_ROLE: "https://console.aws.amazon.com/iam/home"
        "#/roles/details/AWSBackupDefaultServiceRole",
    }


def test_context_line_names_the_request_and_the_requester(diagnosis: Diagnosis) -> None:
    last = _card(diagnosis, requester="U0REQUESTER")[-1]
    assert last["elements"][0]["text"] == "Request `req-1` · asked by <@U0REQUESTER>"


def test_forty_kilobyte_resource_is_cut_visibly() -> None:
    base = make_diagnosis()
    assert base.denial is not None
    denial = base.denial.model_copy(update={"resource": "arn:" + "r" * 40_000})
    headline = _card(make_diagnosis(denial=denial))[0]["text"]["text"]
    assert "…`" in headline
    assert len(headline) < 2000


def test_thirty_automatic_remedies_still_fit_one_actions_block() -> None:
    remedies = [
        Remedy(
            id=f"R{i}",
            title="x" * 200,
            description="d" * 5000,
            changes_iam=bool(i % 2),
            automatic=True,
        )
        for i in range(30)
    ]
    card = _card(make_diagnosis(remedies=remedies))
    assert len(_buttons(card)) == 23  # 20 remedies, decoded message, two links


def test_card_without_denial_or_job_still_says_something() -> None:
    card = _card(make_diagnosis(denial=None, job=None, findings=[], remedies=[]))
    assert card[0]["text"]["text"] == "I couldn't work out who was denied what"
    assert card[1]["text"]["text"] == "I couldn't match this to a known cause."


def test_summary_text_is_the_headline_without_formatting(diagnosis: Diagnosis) -> None:
    assert summary_text(diagnosis) == (
        f"AWSBackupDefaultServiceRole was denied iam:PassRole on arn:aws:iam::{ACCOUNT}:role/"
        "app-instance-role"
    )


def test_summary_text_holds_no_policy_detail(diagnosis: Diagnosis) -> None:
    text = summary_text(diagnosis)
    assert "DenyPassRoleOutsideEU" not in text
    assert "explicitDeny" not in text


def test_an_unsaved_request_gets_no_buttons_that_would_act_on_it() -> None:
    from bot.blocks import diagnosis_card as card_of
    from bot.models import Diagnosis, ParsedInput, Remedy

    diagnosis = Diagnosis(
        input=ParsedInput(kind="decoded_message"),
        remedies=[
            Remedy(
                id="GRANT_PASSROLE",
                title="Grant",
                description="d",
                changes_iam=True,
                automatic=True,
                fix="GRANT_PASSROLE",
            )
        ],
        decoded_message={"allowed": False},
    )
    rendered = str([b.to_dict() for b in card_of(diagnosis, request_id=None, account_label=None)])
    assert "request_fix" not in rendered
    assert "show_decoded" not in rendered
    assert "could not save this request" in rendered


def test_a_masked_account_is_shown_as_written_and_said_to_be_masked() -> None:
    parsed = parse_input(
        "User: arn:aws:sts::[redacted:account_id]:assumed-role/Restore/AWSBackup-Restore is not "
        "authorized to perform: iam:PassRole on resource: arn:aws:iam::[redacted:account_id]:role/"
        "app because no identity-based policy allows the iam:PassRole action"
    )
    assert isinstance(parsed, ParsedInput)
    card = json.dumps(_card(diagnose(parsed), account_label=None))
    assert "[redacted:account_id] (masked in the paste)" in card
    assert "console.aws.amazon.com/iam" not in card  # no link is built from a masked ARN


CUT_ERROR = (
    "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are "
    "not authorized to perform this operation. Encoded authorization failure message: "
    "AQoDYXdzEJr1k3Jx-_9aZqk3Jx-_9aZqk3Jx-_9aZqk3Jx"
)


def _links(diagnosis: Diagnosis) -> dict[str, str]:
    return {b["action_id"]: b["url"] for b in _buttons(_card(diagnosis)) if "url" in b}


def test_a_cut_message_offers_the_cloudtrail_search_of_the_refused_call() -> None:
    parsed = parse_input(CUT_ERROR + " region=eu-west-1")
    assert isinstance(parsed, ParsedInput)
    assert parsed.truncated
    links = _links(diagnose(parsed))
    assert links[slack_ids.ACTION_OPEN_TRAIL] == (
        "https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1"
        "#/events?EventName=RunInstances"
    )
    button = next(b for b in _buttons(_card(diagnose(parsed))) if b.get("url"))
    assert button["text"]["text"] == "Look it up in CloudTrail"


def test_no_cloudtrail_search_without_a_region_to_search_in() -> None:
    parsed = parse_input(CUT_ERROR)
    assert isinstance(parsed, ParsedInput)
    assert slack_ids.ACTION_OPEN_TRAIL not in _links(diagnose(parsed))


def test_a_message_read_back_from_cloudtrail_links_its_event() -> None:
    parsed = parse_input(CUT_ERROR)
    assert isinstance(parsed, ParsedInput)
    lookup = TrailLookup(
        status="found",
        called_api="RunInstances",
        account_id=ACCOUNT,
        regions=["eu-west-1"],
        event_id="5d1f3c2e-9a8b-4c7d-8e6f-0a1b2c3d4e5f",
        event_time=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        region="eu-west-1",
        decoded=True,
    )
    diagnosis = diagnose(parsed, cloudtrail=lookup)
    assert _links(diagnosis)[slack_ids.ACTION_OPEN_TRAIL] == (
        "https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1"
        "#/events/5d1f3c2e-9a8b-4c7d-8e6f-0a1b2c3d4e5f"
    )
    labels = [b["text"]["text"] for b in _buttons(_card(diagnosis)) if b.get("url")]
    assert "Open the event in CloudTrail" in labels


def test_an_authorization_id_links_its_details_in_its_region() -> None:
    parsed = parse_input(
        "User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: "
        "s3:GetObject on resource: arn:aws:s3:::bucket/key. Go to https://us-east-1.console.aws."
        "amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e for "
        "complete details, or call the GetRequestAuthorizationDetails API with the following "
        "authorization id: EXAMPLE1a2b3c4d5e"
    )
    assert isinstance(parsed, ParsedInput)
    assert _links(diagnose(parsed))[slack_ids.ACTION_OPEN_AUTHORIZATION] == (
        "https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1"
        "#/authorization-details/EXAMPLE1a2b3c4d5e"
    )


def test_every_link_button_is_acked_by_the_link_listener() -> None:
    for action_id in (
        slack_ids.ACTION_OPEN_JOB,
        slack_ids.ACTION_OPEN_ROLE,
        slack_ids.ACTION_OPEN_TRAIL,
        slack_ids.ACTION_OPEN_AUTHORIZATION,
    ):
        assert slack_ids.LINK_ACTION_PATTERN.fullmatch(action_id)
