"""Domain exceptions: every failure a user can cause or meet, with what to do next.

AWS, Slack and Redis errors are mapped to these at the boundary (``bot/aws``, ``bot/state``), so
handlers and the CLI only ever show ``user_message`` and ``next_step``, never a traceback.
"""

from __future__ import annotations


class BackupDoctorError(Exception):
    """Base class. ``user_message`` says what happened, ``next_step`` what the user can do."""

    code = "ERROR"
    #: the CLI exits 2 for unusable input, 1 for an operational failure
    exit_code = 1
    #: the same call may succeed later unchanged (throttling, a server error, a dropped
    #: connection, expired session credentials): a worker tries again, a person "in a minute"
    transient = False

    def __init__(self, user_message: str, next_step: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.next_step = next_step


class InputUnusable(BackupDoctorError):
    """The text holds nothing the bot can work with."""

    code = "INPUT_UNUSABLE"
    exit_code = 2


class MessageInvalid(BackupDoctorError):
    """STS rejected the message: expired, changed in transit, or from another account."""

    code = "MESSAGE_INVALID"
    exit_code = 2


class AccountUnknown(BackupDoctorError):
    """The account the user named, or the job's account, is not in the configuration."""

    code = "ACCOUNT_UNKNOWN"
    exit_code = 2


class JobNotFound(BackupDoctorError):
    """No configured account and region knows this job id."""

    code = "JOB_NOT_FOUND"
    exit_code = 2


class BotAccessDenied(BackupDoctorError):
    """The bot's own role may not do what it needs (assume the role, decode, describe)."""

    code = "BOT_ACCESS_DENIED"


class AwsThrottled(BackupDoctorError):
    """AWS kept throttling after the SDK's own retries."""

    code = "AWS_THROTTLED"
    transient = True


class AwsUnavailable(BackupDoctorError):
    """AWS could not be reached or answered with a server error."""

    code = "AWS_UNAVAILABLE"
    transient = True


class FixRefused(BackupDoctorError):
    """A fix cannot be carried out as planned (AWS refused a step, or the plan fails its vetting).

    Retrying the same plan repeats the refusal; ``next_step`` says what to change.
    """

    code = "FIX_REFUSED"


class PlanDrifted(BackupDoctorError):
    """The resource changed since its fix was planned and approved: nothing may be applied."""

    code = "PLAN_DRIFTED"


class StateUnavailable(BackupDoctorError):
    """Redis is down or unreachable: nothing was changed."""

    code = "STATE_UNAVAILABLE"


class NotAllowed(BackupDoctorError):
    """The user may not do this (approve their own request, approve without being an approver)."""

    code = "NOT_ALLOWED"
    exit_code = 2


class StaleAction(BackupDoctorError):
    """The button belongs to a request that already moved on (approved, denied, expired)."""

    code = "STALE_ACTION"
    exit_code = 2
