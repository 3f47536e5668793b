"""Realistic texts as each producer prints them, around a generated blob (test data, not tests)."""

from __future__ import annotations

import random
import string
import textwrap

BLOB_ALPHABET = string.ascii_letters + string.digits + "_-"
DENIED = "You are not authorized to perform this operation."
MARKER = "Encoded authorization failure message:"
REQUEST_ID = "1550870c-6e0b-4fac-ba19-1da46fef7f17"
SENTENCE = (
    "User: arn:aws:sts::111122223333:assumed-role/AWSBackupDefaultServiceRole/"
    "AWSBackup-AWSBackupDefaultServiceRole is not authorized to perform: iam:PassRole on resource: "
    "arn:aws:iam::111122223333:role/AmazonSSMRoleForInstancesQuickSetup because no "
    "identity-based policy allows the iam:PassRole action."
)


def make_blob(seed: int, length: int = 600) -> str:
    """A blob with the real alphabet and length; it starts with mixed classes, like real ones."""
    rng = random.Random(seed)
    return "Aq7" + "".join(rng.choice(BLOB_ALPHABET) for _ in range(length - 3))


def cli(blob: str) -> str:
    return (
        "\nAn error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
        f"{DENIED} {MARKER} {blob}\n"
    )


def terraform(blob: str) -> str:
    body = textwrap.fill(
        f"Error: creating EC2 Instance: UnauthorizedOperation: {DENIED} {MARKER} {blob}",
        76,
        break_on_hyphens=False,
    )
    lines = [*body.splitlines(), f"\tstatus code: 403, request id: {REQUEST_ID}", ""]
    lines += ["  with aws_instance.web,", '  on main.tf line 12, in resource "aws_instance":']
    return "╷\n" + "\n".join(f"│ {line}" for line in lines) + "\n╵\n"


def go_v2(blob: str) -> str:
    return (
        "operation error EC2: RunInstances, https response error StatusCode: 403, RequestID: "
        f"{REQUEST_ID}, api error UnauthorizedOperation: {DENIED} {MARKER} {blob}"
    )


def cloudformation(blob: str) -> str:
    return f"API: ec2:RunInstances {DENIED} {MARKER} {blob}"


def cloudformation_handler(blob: str) -> str:
    return (
        f'Resource handler returned message: "{DENIED} {SENTENCE} {MARKER} {blob} '
        f'(Service: Ec2, Status Code: 403, Request ID: {REQUEST_ID})" (RequestToken: '
        f"4a5b6c7d-0000-1111-2222-333344445555, HandlerErrorCode: AccessDenied)"
    )


def cloudtrail(blob: str) -> str:
    return (
        '{\n  "eventName": "RunInstances",\n  "errorCode": "Client.UnauthorizedOperation",\n'
        f'  "errorMessage": "{DENIED} {MARKER} {blob}",\n  "requestID": "{REQUEST_ID}",\n'
        '  "eventID": "0b4c3d2e-1f0a-4b5c-8d7e-6f5a4b3c2d1e"\n}'
    )


def console(blob: str) -> str:
    return f"Launch Failed\n{DENIED} {MARKER}{blob}\nRetry"


def karpenter(blob: str) -> str:
    return (
        '{"level":"ERROR","logger":"controller","message":"launching nodeclaim, creating instance, '
        f"UnauthorizedOperation: {DENIED} {MARKER} {blob}\\n\\tstatus code: 403, request id: "
        f'{REQUEST_ID}","commit":"a1b2c3d"}}'
    )


def backup_status(blob: str) -> str:
    return (
        f"{DENIED} Please consult the permissions associated with your AWS Backup role(s), and "
        f"refer to the AWS Backup documentation for more details. {MARKER} {blob}"
    )


def backup_status_unlabelled(blob: str) -> str:
    return (
        f"{DENIED} Please consult the permissions associated with your AWS Backup role(s), and "
        f"refer to the AWS Backup documentation for more details. {blob}"
    )


def raw_xml(blob: str) -> str:
    return (
        "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>"
        f"{DENIED} {MARKER} {blob}</Message></Error></Errors>"
        f"<RequestID>{REQUEST_ID}</RequestID></Response>"
    )


PRODUCERS = {
    "cli": cli,
    "terraform": terraform,
    "go_v2": go_v2,
    "cloudformation": cloudformation,
    "cloudformation_handler": cloudformation_handler,
    "cloudtrail": cloudtrail,
    "console": console,
    "karpenter": karpenter,
    "backup_status": backup_status,
    "backup_status_unlabelled": backup_status_unlabelled,
    "raw_xml": raw_xml,
}


def wrapped(text: str, width: int = 76) -> str:
    """Hard-wrapped as a terminal does: every full line exactly ``width`` wide."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def slack_escaped(text: str) -> str:
    """What Slack sends for text a user typed: ``&``, ``<``, ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fenced(text: str) -> str:
    return f"```{text}```"


def smart_quoted(text: str) -> str:
    return text.replace('"', "\u201c", 1).replace('"', "\u201d", 1)


def with_invisibles(text: str) -> str:
    """Zero-width spaces after every 50th character and NBSP for spaces, as some editors paste."""
    spaced = text.replace(" ", "\u00a0")
    return "\u200b".join(spaced[i : i + 50] for i in range(0, len(spaced), 50))


def no_space_after_marker(text: str) -> str:
    return text.replace(f"{MARKER} ", MARKER)


TRANSFORMS = {
    "as_is": lambda text: text,
    "wrapped_76": wrapped,
    "slack_escaped": slack_escaped,
    "fenced": fenced,
    "smart_quoted": smart_quoted,
    "invisibles": with_invisibles,
    "no_space_after_marker": no_space_after_marker,
    "fenced_escaped_wrapped": lambda text: fenced(slack_escaped(wrapped(text, 80))),
}
