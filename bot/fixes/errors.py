"""AWS errors met while fixing, split by what to do about them: retry later, or stop and explain.

Retrying a permanent error only repeats it; giving up on a transient one leaves work undone. Codes
are matched exactly; an unknown code is permanent below HTTP 500 and transient from 500 up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from bot.errors import BackupDoctorError


class FixError(BackupDoctorError):
    """A fix could not be carried out."""

    code = "FIX_FAILED"


class TransientFixError(FixError):
    """AWS was busy or unreachable; the same step may succeed if retried later."""

    code = "FIX_TRANSIENT"


class PermanentFixError(FixError):
    """AWS refused the step (or the plan cannot be carried out); retrying will not help."""

    code = "FIX_REFUSED"


TRANSIENT_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
        "SlowDown", "PriorRequestNotComplete", "ServiceUnavailable", "ServiceUnavailableException",
        "InternalFailure", "InternalError", "InternalServerError", "InternalServiceError",
        "ServiceFailure", "RequestTimeout", "RequestTimeoutException", "ConcurrentModification",
        "ConcurrentModificationException", "DependencyFailureException",
        # the fix session's credentials ran out: a new attempt assumes the fix role again
        "ExpiredToken", "ExpiredTokenException", "RequestExpired",
    }
)  # fmt: skip

_DENIED = (
    "The bot's fix role may not {doing}.",
    "Check that this account's fix role allows it (see the role templates in deploy/).",
)
_INVALID = (
    "AWS rejected the request to {doing} as invalid.",
    "Run the diagnosis again; if this repeats, report it with the request id.",
)
_GONE = (
    "Something the fix needs no longer exists (while trying to {doing}).",
    "Run the diagnosis again: the role or the recovery point may have been deleted.",
)
#: permanent codes with a message that says what happened and what to do
PERMANENT_MESSAGES: dict[str, tuple[str, str]] = {
    "AccessDenied": _DENIED,
    "AccessDeniedException": _DENIED,
    "UnauthorizedOperation": _DENIED,
    "AuthorizationError": _DENIED,
    "ValidationException": _INVALID,
    "ValidationError": _INVALID,
    "InvalidParameterValue": _INVALID,
    "InvalidParameterValueException": _INVALID,
    "InvalidParameterCombination": _INVALID,
    "InvalidInput": _INVALID,
    "InvalidRequestException": _INVALID,
    "MissingParameterValueException": _INVALID,
    "NoSuchEntity": _GONE,
    "ResourceNotFoundException": _GONE,
    "MalformedPolicyDocument": (
        "IAM rejected the policy document while the bot tried to {doing}.",
        "Nothing was changed; report this with the request id (the bot built a bad policy).",
    ),
    "LimitExceeded": (
        "An AWS limit stopped the bot from trying to {doing} (for a role: its inline policies "
        "are at the size limit).",
        "Remove inline policies the role no longer needs, then retry.",
    ),
    "UnmodifiableEntity": (
        "The role is protected (a service-linked role) and cannot be changed.",
        "Grant the permission on the restore role instead.",
    ),
}


def classify(error: Exception, doing: str) -> FixError:
    """The fix error for a boto3/botocore failure while trying to ``doing`` (a verb phrase)."""
    if isinstance(error, ClientError):
        return _classify_client_error(error, doing)
    if isinstance(error, BotoConnectionError | HTTPClientError):
        return TransientFixError(
            f"AWS could not be reached while trying to {doing}.",
            "The bot retries on its own; nothing needs doing yet.",
        )
    if isinstance(error, NoCredentialsError):
        return PermanentFixError(
            f"The bot has no AWS credentials to {doing}.", "Check the bot's fix role setup."
        )
    if isinstance(error, ParamValidationError):
        return PermanentFixError(f"The bot built invalid parameters to {doing}.", _INVALID[1])
    return PermanentFixError(f"The AWS SDK failed to {doing}: {error}", _INVALID[1])


def _classify_client_error(error: ClientError, doing: str) -> FixError:
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    said = error.response.get("Error", {}).get("Message", "")
    if code in TRANSIENT_CODES or (code not in PERMANENT_MESSAGES and status >= 500):
        return TransientFixError(
            f"AWS was busy or failing while the bot tried to {doing} ({code or status}).",
            "The bot retries on its own; nothing needs doing yet.",
        )
    message, next_step = PERMANENT_MESSAGES.get(code, ("AWS refused to {doing}.", _INVALID[1]))
    detail = f" AWS said ({code}): {said}" if said else f" ({code})"
    return PermanentFixError(message.format(doing=doing) + detail, next_step)


def error_code(error: BaseException) -> str | None:
    """The AWS error code behind a fix error (or a ``ClientError``), if there is one."""
    cause = error if isinstance(error, ClientError) else error.__cause__
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", "")) or None
    return None


@contextmanager
def aws_errors(doing: str) -> Iterator[None]:
    """Turn boto3/botocore errors raised in the block into transient or permanent fix errors."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise classify(error, doing) from error
