"""``decode-backup-error``: explanations in a terminal, the JSON contract, and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.inputs.test_public_cases import RAW_XML_BLOB
from tests.support.decoded_messages import passrole_denial

SCP = (
    "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are "
    "not authorized to perform this operation. User: arn:aws:sts::851725412353:assumed-role/"
    "Staging-Admin/staging-user is not authorized to perform: ec2:RunInstances on resource: "
    "arn:aws:ec2:eu-central-1:851725412353:volume/* with an explicit deny in a service control "
    "policy."
)
DECODED = json.dumps(
    {
        "DecodedMessage": json.dumps(
            passrole_denial(
                principal={
                    "id": "AIDA",
                    "name": "scalr",
                    "arn": "arn:aws:iam::123456789012:user/scalr",
                },
                passed_role="arn:aws:iam::123456789012:role/foo-bar-ec2-role",
            )
        )
    }
)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def invoke(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        code = main(args, stdin=io.StringIO(stdin))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_offline_explains_the_sentence_in_plain_words(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(["--offline", SCP])
    assert code == 0
    assert out.splitlines()[0].endswith(
        "was denied ec2:RunInstances on arn:aws:ec2:eu-central-1:851725412353:volume/*"
    )
    assert "service control policy" in out


def test_json_follows_the_contract(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(["--offline", "--json", "-"], stdin=DECODED)
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"input", "denial", "findings", "remedies"}
    assert result["input"]["kind"] == "decoded_message"
    assert result["denial"]["action"] == "iam:PassRole"
    assert result["denial"]["explicit_deny"] is False
    [grant] = [r for r in result["remedies"] if r["policy"]]
    statement = grant["policy"]["Statement"][0]
    assert statement["Action"] == "iam:PassRole"
    assert statement["Resource"] == "arn:aws:iam::123456789012:role/foo-bar-ec2-role"


def test_text_that_is_no_aws_denial_exits_2_saying_what_is_accepted(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(["--offline", "hello world"])
    assert code == 2
    assert out == ""
    assert "i can read any of these" in err.lower()


@pytest.mark.parametrize(
    ("text", "code", "next_step"),
    [
        (
            "restore job 5b2a3c4d-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
            "JOB_NOT_LOOKED_UP",
            "DECODE_THROUGH_AWS",
        ),
        (
            "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
            "You are not authorized to perform this operation. Encoded authorization failure "
            "message: " + RAW_XML_BLOB,
            "ENCODED_MESSAGE_NOT_DECODED",
            "DECODE_THROUGH_AWS",
        ),
        (
            "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
            "You are not authorized to perform this operation. Encoded authorization failure "
            "message: AQoDYXdzEJr...",
            "ENCODED_MESSAGE_CUT",
            "FIND_IN_CLOUDTRAIL",
        ),
    ],
    ids=["job-id", "whole-blob", "cut-blob"],
)
def test_offline_what_needs_aws_is_a_partial_diagnosis_with_the_next_step(
    cli, text: str, code: str, next_step: str
) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = cli(["--offline", "--json", text])
    result = json.loads(out)
    assert status == 0
    assert code in [f["code"] for f in result["findings"]]
    assert next_step in [r["id"] for r in result["remedies"]]
    assert "NOT_ENOUGH_INFORMATION" not in [f["code"] for f in result["findings"]]


def test_unusable_input_is_said_before_any_configuration_is_read(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no backup-doctor.yaml here
    monkeypatch.delenv("CONFIG_FILE", raising=False)
    code, _, err = cli(["-"], stdin="   ")
    assert code == 2
    assert "i can read any of these" in err.lower()
    assert "configuration" not in err
