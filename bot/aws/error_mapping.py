"""Map boto3/botocore failures to the domain exceptions of ``bot.errors``, by error code.

Everything in ``bot/aws`` calls :func:`map_client_error` at its boundary, so the rest of the bot
only ever sees a ``BackupDoctorError`` that says what happened and what to do next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

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
    FixRefused,
    MessageInvalid,
)

ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
THROTTLING_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown",
        "PriorRequestNotComplete",
    }
)  # fmt: skip
UNAVAILABLE_CODES = frozenset(
    {
        "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalError",
        "InternalServerError", "InternalServiceError", "ServiceFailure", "RequestTimeout",
        "RequestTimeoutException", "ConcurrentModification", "ConcurrentModificationException",
        "DependencyFailureException",
    }
)  # fmt: skip
#: the session's credentials ran out: the next attempt assumes the role again
EXPIRED_CREDENTIAL_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
#: codes after which the same call may succeed later, unchanged
TRANSIENT_CODES = THROTTLING_CODES | UNAVAILABLE_CODES | EXPIRED_CREDENTIAL_CODES
INVALID_MESSAGE_CODE = "InvalidAuthorizationMessageException"
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "NoSuchEntity"})
INVALID_REQUEST_CODES = frozenset(
    {
        "ValidationException", "ValidationError", "InvalidParameterValue",
        "InvalidParameterValueException", "InvalidParameterCombination", "InvalidInput",
        "InvalidRequestException", "MissingParameterValueException",
    }
)  # fmt: skip
_INVALID_NEXT = "Run the diagnosis again; if this repeats, report it with the request id."
#: refusals that need their own words: (what happened, what to do)
REFUSAL_MESSAGES: dict[str, tuple[str, str]] = {
    "MalformedPolicyDocument": (
        "IAM rejected the policy document while the bot tried to {what}{where}.",
        "Nothing was changed; report this with the request id (the bot built a bad policy).",
    ),
    "LimitExceeded": (
        "An AWS limit stopped the bot from trying to {what}{where} (for a role: its inline "
        "policies are at the size limit).",
        "Remove inline policies the role no longer needs, then retry.",
    ),
    "UnmodifiableEntity": (
        "The role is protected (a service-linked role) and cannot be changed.",
        "Grant the permission on the restore role instead.",
    ),
}

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
    "ListRestoreJobs": "backup",
    "GetRequestAuthorizationDetails": "iam",
    "LookupEvents": "cloudtrail",
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
        return BackupDoctorError(f"The AWS SDK could not {what}{where}: {exc}", _INVALID_NEXT)
    return _map_by_code(exc, what=what, where=where, role=role)


@contextmanager
def aws_errors(
    what: str, *, account: AccountConfig | None = None, role_arn: str | None = None
) -> Iterator[None]:
    """Raise the domain error of any boto3/botocore failure in the block (see ``map_client_error``).

    The one place every call in ``bot/aws`` turns AWS failures into errors a person can act on;
    ``error.transient`` says whether the same call may succeed later.
    """
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise map_client_error(exc, what=what, account=account, role_arn=role_arn) from exc


def cause_code(error: BaseException) -> str | None:
    """The AWS error code behind a mapped error (or of a ``ClientError`` itself), if any."""
    cause = error if isinstance(error, ClientError) else error.__cause__
    return (error_code(cause) or None) if isinstance(cause, ClientError) else None


def _map_by_code(exc: ClientError, *, what: str, where: str, role: str | None) -> BackupDoctorError:
    code = error_code(exc)
    said = _aws_message(exc)
    detail = f" AWS said ({code}): {said}" if said else f" ({code})"
    if code == INVALID_MESSAGE_CODE:
        return invalid_message(said, [where.removeprefix(" in ")] if where else [])
    if code in ACCESS_DENIED_CODES:
        return _access_denied(exc, what=what, where=where, role=role)
    if code in THROTTLING_CODES:
        return AwsThrottled(
            f"AWS is throttling requests; try again in a minute (while trying to {what}{where}).",
            "Try again in a minute.",
        )
    if code in EXPIRED_CREDENTIAL_CODES:
        return AwsUnavailable(
            f"The bot's AWS session expired while trying to {what}{where} ({code}).",
            "Try again: the bot assumes the role afresh.",
        )
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in UNAVAILABLE_CODES or (status >= 500 and code not in REFUSAL_MESSAGES):
        return AwsUnavailable(
            f"AWS answered with a server error ({code or status}) to {what}{where}.",
            "Try again in a few minutes.",
        )
    if code in NOT_FOUND_CODES:
        return BackupDoctorError(
            f"Something needed to {what}{where} no longer exists.{detail}",
            "Run the diagnosis again: the job, role or recovery point may have been deleted.",
        )
    if code in INVALID_REQUEST_CODES:
        return FixRefused(
            f"AWS rejected the request to {what}{where} as invalid.{detail}", _INVALID_NEXT
        )
    if code in REFUSAL_MESSAGES:
        message, next_step = REFUSAL_MESSAGES[code]
        return FixRefused(message.format(what=what, where=where) + detail, next_step)
    return BackupDoctorError(f"AWS refused to {what}{where}: {code}: {said}", _INVALID_NEXT)


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
