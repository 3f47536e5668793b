"""Every ARN the bot handles, parsed and checked in one place (pure: no I/O).

Only well-formed values count: an account is 12 digits and a Region looks like ``eu-west-1``, so
placeholders people leave in pasted messages (``[redacted]``, ``accountID``, ``123456789``) are
never taken for one. Fields are kept as written; callers decide what a masked field means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ACCOUNT_ID = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
# one ARN field: a mask in brackets may hold a colon ("[redacted:account_id]", "<aws:account>")
_FIELD = r"(?:\[[^\]]*\]|<[^>]*>|\{[^}]*\}|[^:\[<{])*"
_ARN = re.compile(rf"arn:({_FIELD}):({_FIELD}):({_FIELD}):({_FIELD}):(.+)", re.DOTALL)
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
_ROLE_PATH = re.compile(r"(?:[\w+=,.@-]+/)*", re.ASCII)
# partition:service:region:account: -- the fields that locate a resource, inside any text
_ARN_HEAD = re.compile(
    r"(?<![A-Za-z0-9])arn:aws(?:-[a-z]+)*+:[A-Za-z0-9-]*+:(?P<region>[a-z0-9-]*+):(?P<account>[0-9]*+):"
)


@dataclass(frozen=True)
class Arn:
    """The fields of an ARN, as written (no validation beyond the six parts)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


@dataclass(frozen=True)
class RoleArn:
    """An IAM role ARN: ``arn:<partition>:iam::<account>:role/<path><name>``."""

    partition: str
    account: str  # as written: check it with is_account_id before sending it to AWS
    path: str  # "" or "service-role/" ...
    name: str


def parse_arn(value: str | None) -> Arn | None:
    """Split ``arn:partition:service:region:account:resource``; None for anything else.

    Never a plain split on ":": a field masked by whoever pasted it may hold one.
    """
    match = _ARN.fullmatch(value or "")
    if match is None or not match.group(2):
        return None
    return Arn(*match.groups())


def parse_role_arn(value: str | None) -> RoleArn | None:
    """The parts of an IAM role ARN (any path), or None when ``value`` is not one."""
    arn = parse_arn(value)
    if arn is None or arn.service != "iam" or arn.region or not arn.resource.startswith("role/"):
        return None
    path, _, name = arn.resource.removeprefix("role/").rpartition("/")
    path = f"{path}/" if path else ""
    if not _ROLE_NAME.fullmatch(name) or not _ROLE_PATH.fullmatch(path):
        return None
    return RoleArn(arn.partition, arn.account, path, name)


def role_name(value: str | None) -> str | None:
    """The name of an IAM role from its ARN (the path dropped), or None if it is no role ARN."""
    role = parse_role_arn(value)
    return role.name if role else None


def is_account_id(value: str | None) -> bool:
    """True only for a 12-digit AWS account id."""
    return bool(value and ACCOUNT_ID.fullmatch(value))


def is_region(value: str | None) -> bool:
    """True for a Region name such as ``eu-west-1`` (not ``*`` or an empty ARN field)."""
    return bool(value and REGION.fullmatch(value))


def is_role_arn(value: str | None) -> bool:
    """True for an IAM role ARN with a real account id."""
    role = parse_role_arn(value)
    return role is not None and is_account_id(role.account)


def account_of(value: str | None) -> str | None:
    """The 12-digit account of an ARN, or None."""
    arn = parse_arn(value)
    return arn.account if arn and is_account_id(arn.account) else None


def region_of(value: str | None) -> str | None:
    """The Region of an ARN, or None (IAM and S3 ARNs have none)."""
    arn = parse_arn(value)
    return arn.region if arn and is_region(arn.region) else None


def service_of(value: str | None) -> str | None:
    """The service prefix of an ARN (``ec2``, ``iam``), or None."""
    arn = parse_arn(value)
    return arn.service if arn else None


def role_from_session(principal_arn: str | None) -> str | None:
    """``arn:aws:sts::A:assumed-role/R/S`` -> ``arn:aws:iam::A:role/R``, masked parts as written.

    A session ARN drops the role's path, so the result is only right for roles at ``/``; a role ARN
    from elsewhere (the Backup job's IamRoleArn) is preferred whenever there is one.
    """
    found = _assumed_role(principal_arn)
    if found is None:
        return None
    partition, account, role, _session = found
    return f"arn:{partition}:iam::{account}:role/{role}"


def session_name(principal_arn: str | None) -> str | None:
    """The session part of an assumed-role ARN (``AWSBackup-<Role>``, an instance id, ...)."""
    found = _assumed_role(principal_arn)
    return found[3] if found else None


#: AWS Backup names the sessions of the roles it works as ``AWSBackup-<RoleName>``
BACKUP_SESSION_PREFIX = "AWSBackup-"


def is_backup_session(principal_arn: str | None) -> bool:
    """True for a session AWS Backup opened (``.../assumed-role/R/AWSBackup-R``)."""
    return (session_name(principal_arn) or "").startswith(BACKUP_SESSION_PREFIX)


def is_masked(field: str | None) -> bool:
    """True for an account field someone replaced (``[redacted]``, ``xxxxxxxxxxxx``, ``123456789``).

    An empty field is not masked (IAM and S3 ARNs have no Region, S3 none for the account).
    """
    return bool(field) and not is_account_id(field)


def masked_fields(values: dict[str, str | None]) -> list[str]:
    """The names of the values whose account the poster masked, in order.

    ``account_id`` holds an account id; every other value is an ARN (its account field counts).
    """
    found = []
    for name, value in values.items():
        arn = parse_arn(value)
        account = value if name == "account_id" else (arn.account if arn else None)
        if is_masked(account):
            found.append(name)
    return found


def _assumed_role(value: str | None) -> tuple[str, str, str, str] | None:
    arn = parse_arn(value)
    if arn is None or arn.service != "sts" or not arn.resource.startswith("assumed-role/"):
        return None
    role, _, session = arn.resource.removeprefix("assumed-role/").partition("/")
    if not role or not session or not arn.account:
        return None
    return arn.partition, arn.account, role, session


def account_and_region(texts: Iterable[str | None]) -> tuple[str | None, str | None]:
    """The first real account id and the first Region found in ARNs, searching in order."""
    account: str | None = None
    region: str | None = None
    for text in texts:
        for match in _ARN_HEAD.finditer(text or ""):
            if account is None and is_account_id(match["account"]):
                account = match["account"]
            if region is None and is_region(match["region"]):
                region = match["region"]
            if account and region:
                return account, region
    return account, region
