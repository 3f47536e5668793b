"""Configuration: every problem is reported at once, in words an operator can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_bot_config

GOOD = """
accounts:
  - id: "111122223333"
    name: prod
    regions: [us-east-1, eu-west-1]
    read_role_arn: arn:aws:iam::111122223333:role/BackupDoctorRead
    fix_role_arn: arn:aws:iam::111122223333:role/BackupDoctorFix
    external_id: example-external-id
    approvers: [U0123ABCD]
channels:
  C0789IJKL: { default_account: "111122223333", reply: thread }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "backup-doctor.yaml"
    path.write_text(text)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_bot_config(path)
    return info.value.problems


def test_the_documented_example_loads() -> None:
    config = load_bot_config(Path("deploy/backup-doctor.example.yaml"))
    assert [a.name for a in config.accounts] == ["prod", "dev"]
    assert config.channel("C0789IJKL").default_account == "111122223333"


def test_a_good_file_gives_accounts_and_channels(tmp_path: Path) -> None:
    config = load_bot_config(write(tmp_path, GOOD))
    assert config.account("111122223333") is not None
    assert config.accounts[0].label == "prod (111122223333)"
    assert config.channel("C-unknown").reply == "thread"


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nope.yaml")
    assert "file not found" in problem
    assert "backup-doctor.example.yaml" in problem


def test_unreadable_yaml_is_reported(tmp_path: Path) -> None:
    [problem] = problems_of(write(tmp_path, "accounts: [\n  - id: {"))
    assert "not valid YAML" in problem


def test_an_account_without_a_read_role_is_named(tmp_path: Path) -> None:
    text = GOOD.replace("    read_role_arn: arn:aws:iam::111122223333:role/BackupDoctorRead\n", "")
    [problem] = problems_of(write(tmp_path, text))
    assert "account prod: read_role_arn is required" in problem


def test_every_problem_is_listed_together(tmp_path: Path) -> None:
    text = GOOD.replace('"111122223333"\n    name', "1234\n    name").replace(
        "[us-east-1, eu-west-1]", "[mars-1]"
    )
    problems = problems_of(write(tmp_path, text))
    assert any("id" in p and "12 digits" in p for p in problems)
    assert any("regions" in p and "mars-1" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("role/BackupDoctorFix", "role/BackupDoctorFix\n    bogus: 1", "Extra inputs"),
        ('default_account: "111122223333"', 'default_account: "999999999999"', "not configured"),
        (
            "arn:aws:iam::111122223333:role/BackupDoctorRead",
            "arn:aws:iam::444455556666:role/R",
            "not in account",
        ),
    ],
    ids=["unknown-key", "unknown-default-account", "role-in-another-account"],
)
def test_mistakes_are_explained(tmp_path: Path, old: str, new: str, expected: str) -> None:
    problems = problems_of(write(tmp_path, GOOD.replace(old, new)))
    assert any(expected in p for p in problems), problems


def test_settings_name_the_missing_slack_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    missing = Settings(_env_file=None).missing_slack_credentials()  # type: ignore[call-arg]
    assert missing[0] == "SLACK_BOT_TOKEN"
    assert "SLACK_SIGNING_SECRET" in missing[1]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert Settings(_env_file=None).missing_slack_credentials() == []  # type: ignore[call-arg]
