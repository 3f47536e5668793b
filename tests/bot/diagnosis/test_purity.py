"""The engine is pure: importing it pulls in neither Slack nor boto3."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("slack_sdk", "slack_bolt", "boto3", "botocore")


def test_diagnosis_imports_neither_slack_nor_boto3() -> None:
    code = (
        "import sys, bot.diagnosis, bot.diagnosis.engine;"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_catalogue_is_not_read_at_import() -> None:
    code = (
        "import bot.diagnosis, bot.diagnosis.catalogue as c;"
        "print(c.load_catalogue.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"
