"""Which tool printed the pasted error, and which API it had called.

The called API is what the caller asked for ("when calling the RunInstances operation"); it is
not the denied action, which is often another one (``iam:PassRole``, ``ec2:CreateTags``,
``kms:CreateGrant``). Both are reported separately, and the called API never stands in for the
denied action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: (producer, the pattern that tells it), most specific first
_PRODUCERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cloudtrail", re.compile(r'"errorCode"\s*+:\s*+"|"eventName"\s*+:\s*+"')),
    ("ec2-xml", re.compile(r"<Response>\s*+<Errors>|<Code>[A-Za-z.]++</Code>")),
    (
        "terraform",
        re.compile(r"(?m)(?:^|[│|]\s*+)Error:\s++\w[^\n:]*+:|\[ERROR\] vertex|terraform"),
    ),
    ("karpenter", re.compile(r"(?i)karpenter|launching nodeclaim|creating nodeclaim")),
    ("aws-sdk-go-v2", re.compile(r"operation error [\w .-]++: \w++, https response error")),
    ("aws-sdk-go", re.compile(r"(?i)status code: 403, request id:")),
    ("cloudformation", re.compile(r"\bAPI: [a-z0-9-]++:[A-Za-z]++\b|Resource handler returned")),
    ("aws-cli", re.compile(r"An error occurred \([\w.]++\) when calling the \w++ operation")),
    (
        "backup-status",
        re.compile(
            r"(?i)your\s++AWS\s++Backup\s++role|AWS\s++Backup\s++does\s++not\s++(?:have|permit)"
            r"|trying\s++to\s++call\s++AWS\s++Backup\s++service|Given\s++key\s++ID\s++is\s++not"
        ),
    ),
)
_CALLED = (
    re.compile(r"when calling the (\w++) operation"),
    re.compile(r"operation error [\w .-]++: (\w++),"),
    re.compile(r"\bAPI: [a-z0-9-]++:(\w++)\b"),
    re.compile(r'"eventName"\s*+:\s*+"(\w++)"'),
    re.compile(r"(?i)\bcreating EC2 Instance\b()"),
)
_ERROR_CODE = (
    re.compile(r"An error occurred \(([\w.]++)\)"),
    re.compile(r"api error (\w++):"),
    re.compile(r"<Code>([\w.]++)</Code>"),
    re.compile(r'"errorCode"\s*+:\s*+"(?:Client\.)?(\w++)"'),
    re.compile(
        r"(?m)(?:^|:\s)(\w+(?:Exception|Token|TokenId|Operation|Required|Failure|Denied)):\s"
    ),
)
#: Terraform names the resource it was creating, not the API; these are the APIs it calls
_TERRAFORM_CALLS = {"creating ec2 instance": "RunInstances"}


@dataclass(frozen=True)
class Producer:
    """The tool that printed the error (``None``: not told) and the API it called."""

    name: str | None
    called_api: str | None
    error_code: str | None = None  # the AWS error code the text shows (ExpiredToken, ...)


def find_producer(text: str) -> Producer:
    """Tell the producer and the called API from the shape of the pasted text."""
    name = next((name for name, pattern in _PRODUCERS if pattern.search(text)), None)
    return Producer(name, _called_api(text), _error_code(text))


def _error_code(text: str) -> str | None:
    for pattern in _ERROR_CODE:
        match = pattern.search(text)
        if match:
            return match.group(1).removeprefix("Client.")
    return None


def _called_api(text: str) -> str | None:
    for pattern in _CALLED:
        match = pattern.search(text)
        if match is None:
            continue
        if match.group(1):
            return match.group(1)
        return _TERRAFORM_CALLS.get(match.group(0).lower())
    return None
