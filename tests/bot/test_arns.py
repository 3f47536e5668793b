"""bot/arns.py: the one place ARNs are parsed, for every package that reads them."""

from __future__ import annotations

import pytest

from bot.arns import (
    account_and_region,
    is_account_id,
    is_region,
    is_role_arn,
    parse_role_arn,
    role_from_session,
    role_name,
    session_name,
)


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:iam::111111111111:role/plain", "plain"),
        (
            "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole",
            "AWSBackupDefaultServiceRole",
        ),
        ("arn:aws:iam::111111111111:role/a/b/c/deep", "deep"),
        ("arn:aws-us-gov:iam::111111111111:role/gov", "gov"),
        # a masked account still names the role to fix
        ("arn:aws:iam::[redacted:account_id]:role/Restore", "Restore"),
    ],
)
def test_role_name(arn: str, name: str) -> None:
    assert role_name(arn) == name


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::111111111111:user/alice",
        "arn:aws:sts::111111111111:assumed-role/Restore/AWSBackup-Restore",
        "arn:aws:iam::111111111111:role/",
        "arn:aws:iam::111111111111:role/" + "x" * 65,
        "arn:aws:iam:us-east-1:111111111111:role/regional",
        "role/plain",
        "nonsense",
        None,
    ],
)
def test_role_name_of_anything_else_is_none(arn: str | None) -> None:
    assert role_name(arn) is None


def test_a_role_arn_keeps_its_partition_account_and_path() -> None:
    role = parse_role_arn("arn:aws-cn:iam::111111111111:role/service-role/Backup")
    assert role is not None
    assert (role.partition, role.account, role.path, role.name) == (
        "aws-cn",
        "111111111111",
        "service-role/",
        "Backup",
    )


@pytest.mark.parametrize(
    ("arn", "real"),
    [
        ("arn:aws:iam::111111111111:role/R", True),
        ("arn:aws:iam::123456789:role/R", False),
        ("arn:aws:iam::xxxxxxxxxxxx:role/R", False),
        ("arn:aws:iam::111111111111:user/R", False),
    ],
)
def test_is_role_arn_needs_a_real_account(arn: str, real: bool) -> None:
    assert is_role_arn(arn) is real


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("eu-west-1", True),
        ("us-gov-east-1", True),
        ("ap-southeast-7", True),
        ("eu-central-10", True),
        ("*", False),
        ("", False),
        ("eu-west", False),
        ("EU-WEST-1", False),
    ],
)
def test_is_region(value: str, region: bool) -> None:
    assert is_region(value) is region


@pytest.mark.parametrize(
    ("value", "account"),
    [("111122223333", True), ("123456789", False), ("YOUR_ACCOUNT_ID", False), (None, False)],
)
def test_is_account_id(value: str | None, account: bool) -> None:
    assert is_account_id(value) is account


def test_the_role_behind_a_session() -> None:
    session = "arn:aws:sts::111122223333:assumed-role/Restore/AWSBackup-Restore"
    assert role_from_session(session) == "arn:aws:iam::111122223333:role/Restore"
    assert session_name(session) == "AWSBackup-Restore"


def test_account_and_region_come_from_the_first_arns_that_have_them() -> None:
    texts = ["arn:aws:iam::111122223333:role/R", "arn:aws:ec2:eu-west-1:444455556666:instance/i-1"]
    assert account_and_region(texts) == ("111122223333", "eu-west-1")
