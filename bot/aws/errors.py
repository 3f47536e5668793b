"""Map boto3/botocore failures to the domain exceptions of ``bot.errors``, by error code.

Everything in ``bot/aws`` calls :func:`map_client_error` at its boundary, so the rest of the bot
only ever sees a ``BackupDoctorError`` that says what happened and what to do next.
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
)

from bot.config import AccountConfig
from bot.errors import (
    AwsThrottled,
    AwsUnavailable,
    BackupDoctorError,
    BotAccessDenied,
    MessageInvalid,
)

ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
        "ServiceFailure",
    }
)
INVALID_MESSAGE_CODE = "InvalidAuthorizationMessageException"
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "NoSuchEntity"})

# IAM action of each operation the bot calls, for "may not <action>" when AWS does not name it.
_SERVICE_OF_OPERATION = {
    "AssumeRole": "sts",
    "DecodeAuthorizationMessage": "sts",
    "GetCallerIdentity": "sts",
    "DescribeRestoreJob": "backup",
    "DescribeBackupJob": "backup",
    "DescribeCopyJob": "backup",
    "GetRestoreJobMetadata": "backup",
    "StartRestoreJob": "backup",
}
_ACTION_IN_MESSAGE = re.compile(r"not authorized to perform:? ([\w-]+:[\w*-]+)")


def error_code(exc: ClientError) -> str:
    """The AWS error code of a ``ClientError`` (``""`` when AWS sent none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_not_found(exc: ClientError) -> bool:
    """True for "no such job/role/policy here": callers treat it as an answer, not a failure."""
    return error_code(exc) in NOT_FOUND_CODES


def map_client_error(
    exc: ClientError | BotoCoreError,
    *,
    what: str,
    account: AccountConfig | None,
    role_arn: str | None = None,
) -> BackupDoctorError:
    """Translate an AWS failure into the domain exception a user can act on.

    ``what`` completes "could not ..." (e.g. ``"decode the message"``); ``role_arn`` is the role the
    bot used or tried to assume (defaults to the account's read role).
    """
    where = f" in {account.label}" if account else ""
    role = role_arn or (account.read_role_arn if account else None)
    if isinstance(exc, NoCredentialsError):
        return BotAccessDenied(
            "The bot has no AWS credentials of its own.",
            "Give the bot's process credentials (instance/task role or environment).",
        )
    if isinstance(exc, ConnectionError | HTTPClientError):
        return AwsUnavailable(
            f"Could not reach AWS to {what}{where} ({exc.__class__.__name__}).",
            "Try again in a few minutes; check the bot's network access to AWS if it persists.",
        )
    if not isinstance(exc, ClientError):
        return BackupDoctorError(f"Could not {what}{where}: {exc}")
    return _map_by_code(exc, what=what, where=where, role=role)


def _map_by_code(exc: ClientError, *, what: str, where: str, role: str | None) -> BackupDoctorError:
    code = error_code(exc)
    if code == INVALID_MESSAGE_CODE:
        return invalid_message(_aws_message(exc), [where.removeprefix(" in ")] if where else [])
    if code in ACCESS_DENIED_CODES:
        return _access_denied(exc, what=what, where=where, role=role)
    if code in THROTTLING_CODES:
        return AwsThrottled(
            f"AWS is throttling requests; try again in a minute (while trying to {what}{where}).",
            "Try again in a minute.",
        )
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in UNAVAILABLE_CODES or status >= 500:
        return AwsUnavailable(
            f"AWS answered with a server error ({code or status}) to {what}{where}.",
            "Try again in a few minutes.",
        )
    if code in NOT_FOUND_CODES:
        return BackupDoctorError(f"AWS found nothing to {what}{where} ({code}).")
    return BackupDoctorError(f"AWS refused to {what}{where}: {code}: {_aws_message(exc)}")


def _access_denied(exc: ClientError, *, what: str, where: str, role: str | None) -> BotAccessDenied:
    action = required_action(exc)
    if exc.operation_name == "AssumeRole":
        return BotAccessDenied(
            f"The bot may not assume {role or 'the role'}{where} (sts:AssumeRole with ExternalId).",
            "Check the role's trust policy trusts the bot's role and requires the configured "
            "ExternalId, and that the bot's own policy allows sts:AssumeRole on it.",
        )
    holder = f"role {role}" if role else "the bot's role"
    return BotAccessDenied(
        f"The bot may not {action} on {holder}{where}, so it could not {what}.",
        f"Allow {action} in that role's policy (see the read/fix role templates in deploy/).",
    )


def required_action(exc: ClientError) -> str:
    """The IAM action a denial names, else the action of the operation that was called."""
    found = _ACTION_IN_MESSAGE.search(_aws_message(exc))
    if found:
        return found.group(1)
    service = _SERVICE_OF_OPERATION.get(exc.operation_name, "iam")
    return f"{service}:{exc.operation_name}"


def invalid_message(aws_message: str, tried: list[str], also: str = "") -> MessageInvalid:
    """``MessageInvalid`` naming the likely cause and the accounts it was tried in (+ ``also``)."""
    places = f" in {', '.join(tried)}" if tried else ""
    if "expired" in aws_message.lower():
        cause = "it has expired (encoded messages only live a short while)"
        step = "Re-run the restore or command to get a fresh message, then paste that."
    else:
        cause = (
            "it has expired, was cut or altered when copied, or was issued in an account "
            "the bot does not look into"
        )
        step = (
            "Paste the whole blob exactly as AWS printed it; if it is old, re-run the restore "
            "or command to get a fresh one."
        )
    note = f" ({also})" if also else ""
    return MessageInvalid(f"AWS could not decode the message{places}: {cause}.{note}", step)


def _aws_message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", ""))
