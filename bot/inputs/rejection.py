"""Why a text was refused, with what the bot accepts instead (the prose is data, kept here)."""

from __future__ import annotations

from bot.inputs.sizes import MAX_INPUT_CHARS
from bot.models import Rejection

ACCEPTED = (
    "I can read any of these:\n"
    "• an encoded authorization message: `AQoDYXdzEJr...` (the long text after "
    '"Encoded authorization failure message:")\n'
    "• a whole error: `An error occurred (UnauthorizedOperation) when calling the RunInstances "
    "operation: You are not authorized to perform this operation. Encoded authorization failure "
    "message: AQoDYXdzEJr...`\n"
    "• an AWS Backup job ID: `D48D8A7B-4A3F-4B9D-9D2C-0B1A2C3D4E5F`\n"
    "• a job ARN: `arn:aws:backup:eu-west-1:123456789012:restore-job:"
    "D48D8A7B-4A3F-4B9D-9D2C-0B1A2C3D4E5F`\n"
    '• a decoded message: `{"allowed": false, "explicitDeny": false, "context": {...}}`\n'
    "Add `account=123456789012` or `region=eu-west-1` if you know them."
)


def empty() -> Rejection:
    """Nothing was pasted (or only hint words)."""
    return Rejection(reason="empty", message=f"Paste the failed job's error.\n{ACCEPTED}")


def unrecognised() -> Rejection:
    """The text holds nothing the bot knows."""
    return Rejection(
        reason="unrecognised",
        message=f"I could not find an AWS authorization error or a Backup job in that.\n{ACCEPTED}",
    )


def too_long(length: int) -> Rejection:
    """The text is longer than one error could be."""
    return Rejection(
        reason="too_long",
        message=(
            f"That is {length:,} characters; I read at most {MAX_INPUT_CHARS:,}. Paste only the "
            f"error line with the encoded message, or just the job ID.\n{ACCEPTED}"
        ),
    )


def binary() -> Rejection:
    """The text is full of control characters: a file, not a pasted error."""
    return Rejection(
        reason="binary",
        message=f"That looks like binary data, not text. Paste the error as text.\n{ACCEPTED}",
    )
