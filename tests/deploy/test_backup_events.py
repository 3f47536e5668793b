"""Proactive diagnosis: the member accounts' EventBridge rule and the hub's events queue.

The rule's pattern is read from backup-events-rule.yaml and run by moto's EventBridge: a rule with
that pattern and an SQS target on moto's default bus, then ``PutEvents`` with every sample of
tests/data/backup-events.json and made-up variants. What reaches the queue is what matched.
moto 5.2's ``TestEventPattern`` answers without a ``Result`` (not implemented), so its answer is
compared with the delivery only when it gives one.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.deploy.conftest import ROOT

Event = dict[str, Any]

SAMPLES: list[Event] = json.loads(
    (ROOT / "tests" / "data" / "backup-events.json").read_text(encoding="utf-8")
)["events"]
#: the body of every message: the whole event, as an EventBridge rule's SQS target delivers it
SHAPE = {
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
}
RESTORE = "Restore Job State Change"
BACKUP = "Backup Job State Change"
COPY = "Copy Job State Change"
FAILED_STATES = ("FAILED", "ABORTED", "EXPIRED")
QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:backup-doctor-events"
REGION = "us-east-1"


def sample(detail_type: str, field: str, value: str) -> Event:
    """The first sample of this detail-type whose detail has ``field`` equal to ``value``."""
    return next(
        e for e in SAMPLES if e["detail-type"] == detail_type and e["detail"].get(field) == value
    )


def variant(base: Event, *, detail_type: str | None = None, **detail: str | None) -> Event:
    """A copy of ``base`` with another detail-type and detail fields (None removes one)."""
    event = copy.deepcopy(base)
    if detail_type is not None:
        event["detail-type"] = detail_type
    for field, value in detail.items():
        if value is None:
            event["detail"].pop(field, None)
        else:
            event["detail"][field] = value
    return event


FAILED_RESTORE = sample(RESTORE, "status", "FAILED")
FAILED_COPY = sample(COPY, "state", "FAILED")
#: made up from the copy sample: every failed state of a backup or a copy job (the samples hold
#: the failed restores)
MADE_UP_FAILURES = {
    f"{kind.split()[0].lower()} {state}": variant(FAILED_COPY, detail_type=kind, state=state)
    for kind in (BACKUP, COPY)
    for state in FAILED_STATES
}
#: made up from the samples: what must not reach the queue
MADE_UP_NON_FAILURES = {
    "restore RUNNING": variant(FAILED_RESTORE, status="RUNNING"),
    "restore COMPLETED": variant(FAILED_RESTORE, status="COMPLETED"),
    # a restore carries status; a FAILED state (the backup/copy field) is not a restore failure
    "restore with state FAILED": variant(FAILED_RESTORE, status=None, state="FAILED"),
    "restore with status PENDING, state FAILED": variant(
        FAILED_RESTORE, status="PENDING", state="FAILED"
    ),
    "backup COMPLETED": variant(FAILED_COPY, detail_type=BACKUP, state="COMPLETED"),
    "backup RUNNING": variant(FAILED_COPY, detail_type=BACKUP, state="RUNNING"),
    "copy COMPLETED": variant(FAILED_COPY, state="COMPLETED"),
    # backup and copy events carry state; a FAILED status there is not what AWS Backup sends
    "copy with status FAILED": variant(FAILED_COPY, state=None, status="FAILED"),
    "another source": {**FAILED_RESTORE, "source": "com.example.backup"},
    "another detail-type": variant(FAILED_COPY, detail_type="Recovery Point State Change"),
}


def is_failure(event: Event) -> bool:
    """What the rule is meant to match, said independently of its pattern."""
    if event["source"] != "aws.backup":
        return False
    if event["detail-type"] == RESTORE:
        return bool(event["detail"].get("status") == "FAILED")
    if event["detail-type"] in (BACKUP, COPY):
        return event["detail"].get("state") in FAILED_STATES
    return False


def rule(template: dict[str, Any]) -> dict[str, Any]:
    (only,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    return dict(only["Properties"])


def pattern(template: dict[str, Any]) -> str:
    """The rule's EventPattern as the JSON text EventBridge takes."""
    return json.dumps(rule(template)["EventPattern"])


@dataclass
class Moto:
    """moto's EventBridge with the template's rule targeting a queue, in one account."""

    events: Any
    sqs: Any
    queue_url: str
    pattern: str

    def deliver(self, event: Event) -> list[Event]:
        """PutEvents ``event`` on the default bus; the message bodies the queue then holds."""
        (entry,) = self.events.put_events(
            Entries=[
                {
                    "Source": event["source"],
                    "DetailType": event["detail-type"],
                    "Detail": json.dumps(event["detail"]),
                    "Resources": event["resources"],
                    "Time": datetime.fromisoformat(event["time"]),
                }
            ]
        )["Entries"]
        assert "EventId" in entry, entry
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        for message in messages:
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(m["Body"]) for m in messages]

    def matches(self, event: Event) -> bool:
        delivered = self.deliver(event)
        assert len(delivered) <= 1
        answer = self.events.test_event_pattern(EventPattern=self.pattern, Event=json.dumps(event))
        if "Result" in answer:  # a moto that implements TestEventPattern must agree
            assert answer["Result"] == bool(delivered)
        return bool(delivered)


@pytest.fixture(scope="module")
def moto(
    events_rule_template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Moto]:
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as env, mock_aws():
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS",
                     "AWS_ENDPOINT_URL_EVENTBRIDGE"):  # fmt: skip
            env.delenv(name, raising=False)
        env.setenv("AWS_CONFIG_FILE", str(empty / "no-config"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "no-credentials"))
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="backup-doctor-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        properties = rule(events_rule_template)
        name = events_rule_template["Parameters"][properties["Name"]["Ref"]]["Default"]
        events.put_rule(
            Name=name, EventPattern=pattern(events_rule_template), State=properties["State"]
        )
        (target,) = properties["Targets"]
        events.put_targets(
            Rule=name,
            Targets=[{"Id": target["Id"], "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        yield Moto(events, sqs, queue_url, pattern(events_rule_template))


def test_the_samples_are_whole_events_in_the_shape_the_queue_delivers() -> None:
    assert SAMPLES
    for event in SAMPLES:
        assert set(event) == SHAPE
        assert event["source"] == "aws.backup"


@pytest.mark.parametrize("event", SAMPLES, ids=[e["id"][:8] for e in SAMPLES])
def test_every_sample_reaches_the_queue_exactly_when_it_is_a_failure(
    moto: Moto, event: Event
) -> None:
    assert moto.matches(event) is is_failure(event)


def test_the_samples_hold_failures_and_a_non_failure() -> None:
    assert {is_failure(e) for e in SAMPLES} == {True, False}


@pytest.mark.parametrize("name", sorted(MADE_UP_FAILURES))
def test_every_failed_aborted_or_expired_backup_and_copy_matches(moto: Moto, name: str) -> None:
    event = MADE_UP_FAILURES[name]
    assert is_failure(event)
    assert moto.matches(event)


@pytest.mark.parametrize("name", sorted(MADE_UP_NON_FAILURES))
def test_what_is_not_a_failure_does_not_match(moto: Moto, name: str) -> None:
    event = MADE_UP_NON_FAILURES[name]
    assert not is_failure(event)
    assert not moto.matches(event)


def test_a_failed_restore_arrives_as_the_whole_event(moto: Moto) -> None:
    (body,) = moto.deliver(FAILED_RESTORE)
    # moto's default target input leaves out "account", which EventBridge itself delivers
    assert SHAPE - {"account"} <= set(body) <= SHAPE
    for field in ("version", "detail-type", "source", "resources", "detail", "time"):
        assert body[field] == FAILED_RESTORE[field], field
    assert body["region"] == REGION
    assert re.fullmatch(r"[0-9a-f-]{36}", body["id"])


def test_the_rule_sends_the_whole_event_to_the_hub_queue_without_a_role(
    events_rule_template: dict[str, Any],
) -> None:
    properties = rule(events_rule_template)
    assert properties["State"] == "ENABLED"
    assert "EventBusName" not in properties  # the default bus, where AWS Backup events arrive
    (target,) = properties["Targets"]
    assert target["Arn"] == {"Ref": "EventsQueueArn"}
    # the queue policy grants events.amazonaws.com; no Input* so the body is the event itself
    assert set(target) == {"Id", "Arn"}
    assert "RoleArn" not in properties
    description = events_rule_template["Parameters"]["EventsQueueArn"]["Description"]
    assert "Region" in description


def test_the_rule_matches_only_aws_backup_job_failures(
    events_rule_template: dict[str, Any],
) -> None:
    event_pattern = rule(events_rule_template)["EventPattern"]
    assert event_pattern["source"] == ["aws.backup"]
    assert sorted(t for branch in event_pattern["$or"] for t in branch["detail-type"]) == sorted(
        [RESTORE, BACKUP, COPY]
    )


def test_the_member_template_names_no_account(events_rule_template: dict[str, Any]) -> None:
    text = json.dumps({k: events_rule_template[k] for k in ("Resources", "Outputs")})
    assert not re.search(r"\b\d{12}\b", text)
    assert re.fullmatch(
        events_rule_template["Parameters"]["EventsQueueArn"]["AllowedPattern"], QUEUE_ARN
    )


def test_rule_names_agree(
    events_rule_template: dict[str, Any], events_queue_template: dict[str, Any]
) -> None:
    assert rule(events_rule_template)["Name"] == {"Ref": "RuleName"}
    assert (
        events_rule_template["Parameters"]["RuleName"]["Default"]
        == events_queue_template["Parameters"]["RuleName"]["Default"]
    )


def queue(template: dict[str, Any], name: str) -> dict[str, Any]:
    resource = template["Resources"][name]
    assert resource["Type"] == "AWS::SQS::Queue"
    return dict(resource["Properties"])


def test_the_events_queue_long_polls_and_redrives_to_its_dead_letter_queue(
    events_queue_template: dict[str, Any],
) -> None:
    events = queue(events_queue_template, "EventsQueue")
    assert events["SqsManagedSseEnabled"] is True
    assert events["VisibilityTimeout"] == 60
    assert events["ReceiveMessageWaitTimeSeconds"] == 20
    assert events["MessageRetentionPeriod"] == 4 * 24 * 3600
    assert events["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
        "maxReceiveCount": 12,
    }
    dead = queue(events_queue_template, "DeadLetterQueue")
    assert dead["SqsManagedSseEnabled"] is True
    assert dead["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dead["RedriveAllowPolicy"]["redrivePermission"] == "byQueue"
    (source,) = dead["RedriveAllowPolicy"]["sourceQueueArns"]
    assert source == {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}"
    }
    assert events["QueueName"] == {"Ref": "QueueName"}


def queue_policy(template: dict[str, Any]) -> list[dict[str, Any]]:
    (policy,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SQS::QueuePolicy"]
    assert policy["Properties"]["Queues"] == [{"Ref": "EventsQueue"}]
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def test_only_eventbridge_may_send_and_only_for_the_member_rules(
    events_queue_template: dict[str, Any],
) -> None:
    allows = [s for s in queue_policy(events_queue_template) if s["Effect"] == "Allow"]
    (allow,) = allows
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert allow["Resource"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert allow["Condition"]["StringEquals"] == {
        "Fn::If": [
            "InOrganization",
            {"aws:SourceOrgID": {"Ref": "OrganizationId"}},
            {"aws:SourceAccount": {"Fn::Split": [",", {"Ref": "SourceAccountIds"}]}},
        ]
    }
    assert allow["Condition"]["ArnLike"] == {
        "aws:SourceArn": {
            "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:*:rule/${RuleName}"
        }
    }
    assert events_queue_template["Conditions"]["InOrganization"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OrganizationId"}, ""]}]
    }


def test_the_queue_refuses_plain_http(events_queue_template: dict[str, Any]) -> None:
    (deny,) = [s for s in queue_policy(events_queue_template) if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_queue_stack_demands_who_may_send(events_queue_template: dict[str, Any]) -> None:
    parameters = events_queue_template["Parameters"]
    assert (
        parameters["SourceAccountIds"]["Default"] == parameters["OrganizationId"]["Default"] == ""
    )
    (rule_,) = events_queue_template["Rules"].values()
    text = json.dumps(rule_)
    assert "SourceAccountIds" in text
    assert "OrganizationId" in text
    accounts = parameters["SourceAccountIds"]["AllowedPattern"]
    for good in ("", "111122223333", "111122223333,444455556666"):
        assert re.fullmatch(accounts, good)
    for bad in ("*", "11112222333", "111122223333,", "111122223333, 444455556666"):
        assert not re.fullmatch(accounts, bad)


def test_the_outputs_name_what_the_bot_and_the_member_rules_need(
    events_queue_template: dict[str, Any], hub_template: dict[str, Any]
) -> None:
    outputs = events_queue_template["Outputs"]
    assert outputs["QueueUrl"]["Value"] == {"Ref": "EventsQueue"}
    assert outputs["QueueArn"]["Value"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert outputs["DeadLetterQueueArn"]["Value"] == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}
    assert "EVENTS_QUEUE_URL" in outputs["QueueUrl"]["Description"]
    arns = hub_template["Parameters"]["EventsQueueArns"]["AllowedPattern"]
    other = QUEUE_ARN.replace("eu-west-1", "us-east-1")
    for good in ("", QUEUE_ARN, f"{QUEUE_ARN},{other}"):
        assert re.fullmatch(arns, good)
    for bad in (
        "*",
        QUEUE_ARN.replace("backup-doctor-events", "*"),
        f"{QUEUE_ARN},",
        "arn:aws:sqs:*",
    ):
        assert not re.fullmatch(arns, bad)


def test_the_readme_explains_the_proactive_set_up() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Proactive diagnosis (EventBridge → SQS)", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "events-queue.yaml",
        "backup-events-rule.yaml",
        "EVENTS_QUEUE_URL",
        "events.queue_url",
        "notify_channel",
        "dead-letter queue",
        "best effort",
        "backup_doctor_events_total",
    ):
        assert needed in section, needed
    for outcome in (
        "posted",
        "duplicate",
        "burst",
        "not_failure",
        "unconfigured_account",
        "no_channel",
        "malformed",
        "retry",
    ):
        assert f"`{outcome}`" in section, outcome
