"""Every public sample text is recognised with the fields its source gives."""

from __future__ import annotations

from typing import Any

import pytest

from bot.inputs import parse_input
from bot.models import ParsedInput
from tests.bot.inputs.conftest import load_public_cases

CASES = load_public_cases()
EXPECTED_KIND = {
    "decoded": "decoded_message",
    "backup_job_status": "status_text",
    "encoded_error_text": "error_text",
    "error_text": "error_text",
}
RAW_XML_BLOB = (
    "0oaZLrVVIxb8lmPCpj7S11qdDzu_uNi_mBsUZwMj5aWOqnj1VzrfzlQTk1sFa3k_QNGyDNccqpKVsfVfPPjTHtfgXbOUcm"
    "OWSfVdbQdChyYtSVR4G8f9PnQVRagacZ3MUnRw6zuQUuPdxWdw5z6cWFRzkk79gxQOa-igUwyjlYPdlGA6Psp-iMrLPrzV"
    "u00_VEpZgcVE6pCYrMF5c00ZjPOnBnATr-sO1iFvQLNGew1mBbrbKo5D9ByBIiszGTpOrwFx8553NXkg5v99x_CDhu-VaD"
    "9XA_Ey2S5W-NA0noKI_1wJeMFxzInJgxfhReZs1FOLuQhflsSjclMO9NSJM6MdfXX0ZtQs1KCo0Fo7PKvoHEUxUsZhZTklT"
    "WAYCdTZaU6-rR-lbE6wW0gwkXpC7xLQ500moKCciPGabilFCNX5XvBT1gCvzXURsmtc4MhyytIr2zTQ_AiMKf5J5Rw49pC8"
    "lNTlrKKKhCJQZKgQWJNBjAlLmXjlde443eryjEKakkXNNru6LbQ"
)


def _parsed(case: dict[str, Any]) -> ParsedInput:
    result = parse_input(case["text"])
    assert isinstance(result, ParsedInput), result
    return result


def _cases(kind: str) -> list[Any]:
    return [pytest.param(case, id=case["id"]) for case in CASES if case["kind"] == kind]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_kind_is_recognised(case: dict[str, Any]) -> None:
    assert _parsed(case).kind == EXPECTED_KIND[case["kind"]]


@pytest.mark.parametrize("case", _cases("decoded"))
def test_decoded_sample_gives_its_fields(case: dict[str, Any]) -> None:
    decoded = _parsed(case).decoded
    assert decoded is not None
    context = decoded.get("context", {})
    assert context.get("action") == case["action"]
    assert context.get("resource") == case["resource"]
    assert context.get("principal", {}).get("arn") == case["principal_arn"]
    if case["explicit_deny"] is not None:
        assert decoded["explicitDeny"] is case["explicit_deny"]


@pytest.mark.parametrize("case", _cases("encoded_error_text"))
def test_error_sample_sentence_gives_its_fields(case: dict[str, Any]) -> None:
    parsed = _parsed(case)
    if "is not authorized to perform:" not in case["text"]:
        assert parsed.sentence is None
        return
    assert parsed.sentence is not None
    assert parsed.sentence.action == case["action"]
    assert parsed.sentence.resource == case["resource"]
    assert parsed.sentence.principal_arn == case["principal_arn"]
    assert parsed.sentence.explicit_deny is case["explicit_deny"]


@pytest.mark.parametrize("case", _cases("backup_job_status"))
def test_status_sample_keeps_its_text(case: dict[str, Any]) -> None:
    parsed = _parsed(case)
    assert parsed.status_text == " ".join(case["text"].split())
    assert parsed.encoded_message is None


def test_s3_status_names_the_bucket_it_could_not_describe() -> None:
    (case,) = [c for c in CASES if c["id"] == "backup-job-s3-describe-denied"]
    sentence = _parsed(case).sentence
    assert sentence is not None
    assert sentence.resource == case["resource"]


def test_short_terraform_blob_is_flagged_truncated_and_sentence_kept() -> None:
    (case,) = [c for c in CASES if c["id"] == "tf-35639-enriched-scp-volume"]
    parsed = _parsed(case)
    assert parsed.encoded_message == "H8F0jDN9KPpyINgZ_awdx-5x8V34ntzRNtdI5Uqz5sS4Bj6mIUboysBgNK2ml"
    assert parsed.truncated is True
    assert parsed.sentence is not None
    assert parsed.sentence.policy_type == "scp"
    assert (parsed.account_id, parsed.region) == ("851725412353", "eu-central-1")


@pytest.mark.parametrize(
    "case_id",
    [
        "tf-29710-aws-instance-v4sdk",
        "k8s-karpenter-2813-cloudtrail-createfleet",
        "repost-ec2-not-auth-launch-enriched-example",
    ],
)
def test_placeholder_is_no_blob(case_id: str) -> None:
    (case,) = [c for c in CASES if c["id"] == case_id]
    parsed = _parsed(case)
    assert parsed.encoded_message is None
    assert parsed.truncated is True


def test_raw_xml_blob_is_extracted_exactly() -> None:
    (case,) = [c for c in CASES if c["id"] == "awssdkgo-1536-raw-xml"]
    parsed = _parsed(case)
    assert parsed.encoded_message == RAW_XML_BLOB
    assert parsed.truncated is False
    assert parsed.job is None
