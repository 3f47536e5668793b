"""The CLI's plain-text rendering."""

from __future__ import annotations

import json

import pytest

from bot.cli_text import render_text
from bot.diagnosis import diagnose
from bot.models import Job, ParsedInput
from tests.bot.diagnosis.messages import (
    BACKUP_SESSION,
    INSTANCE_ROLE,
    RESTORE_ROLE,
    decoded_message,
    seed_restore_job,
)


@pytest.fixture
def restore_job() -> Job:
    return seed_restore_job()


def test_headline_names_the_role_not_the_session(restore_job: Job) -> None:
    message = decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE, explicit=False)
    text = render_text(diagnose(ParsedInput(kind="decoded_message"), message, restore_job, "prod"))
    assert text.splitlines()[0] == f"{RESTORE_ROLE} was denied iam:PassRole on {INSTANCE_ROLE}"
    assert "account: 111122223333 (prod)" in text
    assert "deny: implicit" in text
    assert "\x1b[" not in text  # no colours: the CLI adds them


def test_policies_are_indented_json(restore_job: Job) -> None:
    message = decoded_message(BACKUP_SESSION, "iam:PassRole", INSTANCE_ROLE, explicit=False)
    text = render_text(diagnose(ParsedInput(kind="decoded_message"), message, restore_job))
    policy_lines = text.split("Policy:\n", 1)[1].splitlines()
    block = "\n".join(line[8:] for line in policy_lines if line.startswith(" " * 8))
    assert json.loads(block)["Statement"][0]["Resource"] == INSTANCE_ROLE


def test_without_facts_the_headline_is_the_first_finding() -> None:
    text = render_text(diagnose(ParsedInput(kind="status_text", status_text="?")))
    assert text.startswith("Not enough information to explain the denial\n")
    assert "Remedies:\n1. Paste the full error or the job id" in text
