"""Already decoded messages: strict JSON in every wrapping, then abridged forms field by field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.inputs import parse_input
from bot.inputs.decoded_json import find_decoded
from bot.models import ParsedInput

MESSAGE: dict[str, Any] = {
    "allowed": False,
    "explicitDeny": True,
    "matchedStatements": {
        "items": [
            {
                "statementId": "DenyUntagged",
                "effect": "DENY",
                "principals": {"items": [{"value": "AROAEXAMPLEID"}]},
                "principalGroups": {"items": []},
                "actions": {"items": [{"value": "ec2:RunInstances"}]},
                "resources": {"items": [{"value": "arn:aws:ec2:*:*:volume/*"}]},
                "conditions": {
                    "items": [
                        {"key": "aws:RequestTag/team", "values": {"items": [{"value": "true"}]}}
                    ]
                },
            }
        ]
    },
    "failures": {"items": []},
    "context": {
        "principal": {
            "id": "AROAEXAMPLEID:AWSBackup-AWSBackupDefaultServiceRole",
            "arn": "arn:aws:sts::111122223333:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-x",
        },
        "action": "ec2:RunInstances",
        "resource": "arn:aws:ec2:eu-west-1:111122223333:volume/*",
        "conditions": {
            "items": [
                {"key": "aws:Region", "values": {"items": [{"value": "eu-west-1"}]}},
                {"key": "aws:Account", "values": {"items": [{"value": "111122223333"}]}},
            ]
        },
    },
}
COMPACT = json.dumps(MESSAGE, separators=(",", ":"))
PRETTY = json.dumps(MESSAGE, indent=2)


def _parsed(text: str) -> ParsedInput:
    result = parse_input(text)
    assert isinstance(result, ParsedInput), result
    assert result.kind == "decoded_message"
    return result


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(COMPACT, id="compact"),
        pytest.param(PRETTY, id="jq-pretty"),
        pytest.param(json.dumps(COMPACT), id="escaped-string"),
        pytest.param(json.dumps(COMPACT)[1:-1], id="escaped-without-quotes"),
        pytest.param(json.dumps({"DecodedMessage": COMPACT}, indent=4), id="cli-wrapper"),
        pytest.param(json.dumps({"DecodedMessage": MESSAGE}), id="wrapper-with-object"),
        pytest.param(f"here it is:\n```{PRETTY}```\nany idea?", id="fenced-in-prose"),
        pytest.param(PRETTY.replace('"', "\u201c", 2), id="smart-quotes"),
    ],
)
def test_complete_message_is_read_whole(text: str) -> None:
    parsed = _parsed(text)
    assert parsed.decoded == MESSAGE
    assert parsed.decoded_partial is False
    assert (parsed.account_id, parsed.region) == ("111122223333", "eu-west-1")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(PRETTY.replace('  "failures"', '  …\n  "failures"'), id="ellipsis"),
        pytest.param(PRETTY.replace('"principalGroups"', '(...)\n"principalGroups"'), id="parens"),
        pytest.param(PRETTY[: PRETTY.index('"aws:Account"')], id="cut-off"),
        pytest.param(PRETTY.replace("\n", "\n\n").replace("{", "{ .....", 1), id="reflowed"),
        pytest.param(json.dumps(COMPACT).replace('\\"', '\\\\"', 9)[1:], id="broken-escaping"),
    ],
)
def test_abridged_message_keeps_every_field_left(text: str) -> None:
    parsed = _parsed(text)
    decoded = parsed.decoded
    assert decoded is not None
    assert parsed.decoded_partial is True
    assert decoded["explicitDeny"] is True
    assert decoded["context"]["principal"] == MESSAGE["context"]["principal"]
    assert decoded["context"]["action"] == "ec2:RunInstances"
    assert decoded["context"]["resource"] == MESSAGE["context"]["resource"]
    statement = decoded["matchedStatements"]["items"][0]
    assert statement["statementId"] == "DenyUntagged"
    assert statement["conditions"] == MESSAGE["matchedStatements"]["items"][0]["conditions"]
    assert decoded["context"]["conditions"]["items"][0]["key"] == "aws:Region"


def test_value_cut_mid_way_is_left_out() -> None:
    decoded = _parsed(PRETTY[: PRETTY.rindex("volume/*") - 3]).decoded
    assert decoded is not None
    assert "resource" not in decoded["context"]
    assert decoded["context"]["action"] == "ec2:RunInstances"


def test_elided_list_is_unknown_not_empty() -> None:
    text = '{"allowed": false, "context": {"action": "iam:PassRole", "conditions": {"items": [\n…'
    decoded = _parsed(text).decoded
    assert decoded is not None
    assert "conditions" not in decoded["context"]


def test_implicit_deny_with_no_statements() -> None:
    text = '{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"context":{'
    decoded = _parsed(text).decoded
    assert decoded is not None
    assert decoded["matchedStatements"] == {"items": []}


@pytest.mark.parametrize(
    "text",
    [
        '{"eventName": "RunInstances", "errorCode": "Client.UnauthorizedOperation"}',
        '{"allowed": "maybe"}',
        "the job was not allowed",
    ],
)
def test_other_json_or_prose_is_no_decoded_message(text: str) -> None:
    assert find_decoded(text) is None
