"""Which tool printed a pasted error, and the API it called (never the denied action)."""

from __future__ import annotations

import pytest

from bot.inputs import parse_input
from bot.inputs.producer import find_producer
from bot.models import ParsedInput

DENIED = "You are not authorized to perform this operation."


@pytest.mark.parametrize(
    ("text", "producer", "called"),
    [
        (
            f"An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
            f"{DENIED}",
            "aws-cli",
            "RunInstances",
        ),
        (
            "operation error EC2: RunInstances, https response error StatusCode: 403, RequestID: "
            f"1, api error UnauthorizedOperation: {DENIED}",
            "aws-sdk-go-v2",
            "RunInstances",
        ),
        (
            f"UnauthorizedOperation: {DENIED}\n\tstatus code: 403, request id: abc",
            "aws-sdk-go",
            None,
        ),
        (
            f"│ Error: creating EC2 Instance: UnauthorizedOperation: {DENIED}",
            "terraform",
            "RunInstances",
        ),
        (f"API: ec2:RunInstances {DENIED}", "cloudformation", "RunInstances"),
        (
            f'{{"eventName": "CreateFleet", "errorCode": "Client.UnauthorizedOperation", '
            f'"errorMessage": "{DENIED}"}}',
            "cloudtrail",
            "CreateFleet",
        ),
        (
            f"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>{DENIED}",
            "ec2-xml",
            None,
        ),
        (
            f"{DENIED} Please consult the permissions associated with your AWS Backup role(s).",
            "backup-status",
            None,
        ),
        (DENIED, None, None),
    ],
    ids=lambda value: str(value)[:30],
)
def test_producer_and_called_api(text: str, producer: str | None, called: str | None) -> None:
    found = find_producer(text)
    assert (found.name, found.called_api) == (producer, called)


def test_the_called_api_is_kept_apart_from_the_denied_action() -> None:
    text = (
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: User: "
        "arn:aws:sts::111122223333:assumed-role/R/s is not authorized to perform: iam:PassRole on "
        "resource: arn:aws:iam::111122223333:role/app because no identity-based policy allows the "
        "iam:PassRole action"
    )
    parsed = parse_input(text)
    assert isinstance(parsed, ParsedInput)
    assert parsed.called_api == "RunInstances"
    assert parsed.sentence is not None
    assert parsed.sentence.action == "iam:PassRole"
