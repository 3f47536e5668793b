"""ARN arithmetic for the facts: accounts, regions, services and the role behind a session.

Only well-formed values count: an account is 12 digits, so placeholders such as ``[redacted]`` or
``accountID`` that people leave in pasted messages are never taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_SESSION = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/(.+)$")
_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


@dataclass(frozen=True)
class Arn:
    """The fields of an ARN, as written (no validation beyond the six parts)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: str | None) -> Arn | None:
    """Split ``arn:partition:service:region:account:resource``; None for anything else."""
    if not value or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or not parts[2] or not parts[5]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def is_account_id(value: str | None) -> bool:
    """True only for a 12-digit AWS account id."""
    return bool(value and _ACCOUNT.match(value))


def is_region(value: str | None) -> bool:
    """True for a region name such as ``eu-west-1`` (not ``*`` or an empty ARN field)."""
    return bool(value and _REGION.match(value))


def is_role_arn(value: str | None) -> bool:
    """True for an IAM role ARN with a real account id."""
    return bool(value and _ROLE.match(value))


def account_of(value: str | None) -> str | None:
    """The 12-digit account of an ARN, or None."""
    arn = parse_arn(value)
    return arn.account if arn and is_account_id(arn.account) else None


def region_of(value: str | None) -> str | None:
    """The region of an ARN, or None (IAM and S3 ARNs have none)."""
    arn = parse_arn(value)
    return arn.region if arn and is_region(arn.region) else None


def service_of(value: str | None) -> str | None:
    """The service prefix of an ARN (``ec2``, ``iam``), or None."""
    arn = parse_arn(value)
    return arn.service if arn else None


def role_from_session(principal_arn: str | None) -> str | None:
    """``arn:aws:sts::A:assumed-role/R/S`` -> ``arn:aws:iam::A:role/R``.

    A session ARN drops the role's path, so the result is only right for roles at ``/``; a role ARN
    from elsewhere (the Backup job's IamRoleArn) is preferred whenever there is one.
    """
    match = _SESSION.match(principal_arn or "")
    if not match:
        return None
    partition, account, role, _session = match.groups()
    return f"arn:{partition}:iam::{account}:role/{role}"


def session_name(principal_arn: str | None) -> str | None:
    """The session part of an assumed-role ARN (``AWSBackup-<Role>``, an instance id, ...)."""
    match = _SESSION.match(principal_arn or "")
    return match.group(4) if match else None


def role_name(role_arn: str | None) -> str | None:
    """The last path element of a role ARN."""
    arn = parse_arn(role_arn)
    if not arn or not arn.resource.startswith("role/"):
        return None
    return arn.resource.rsplit("/", 1)[-1] or None
