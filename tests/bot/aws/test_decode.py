"""Decoding encoded messages: STS through Stubber, AssumeRole through moto, a real Redis cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
import redis
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.aws.decode import Decoder, DecodeResult
from bot.aws.sessions import ReadSessions
from bot.errors import (
    AccountUnknown,
    AwsThrottled,
    BackupDoctorError,
    BotAccessDenied,
    MessageInvalid,
)
from tests.bot.aws.conftest import DEV, PROD, TEST, CallLog
from tests.support.decoded_messages import passrole_denial

BLOB = "AbCd-_" * 80
DECODED = passrole_denial(
    account=PROD.id,
    restore_role="Restore",
    passed_role=f"arn:aws:iam::{PROD.id}:role/app-instance-role",
)
TTL = 600


@pytest.fixture
def decoder(sessions: ReadSessions, redis_client: redis.Redis, redis_prefix: str) -> Decoder:
    """A decoder on moto-assumed sessions and the test's Redis prefix."""
    return Decoder(sessions, redis_client, redis_prefix, TTL)


@pytest.fixture
def sts(sessions: ReadSessions, stub: Callable[[Any], Stubber]) -> Callable[[str], Stubber]:
    """``sts(account_id)``: the Stubber on that account's read STS client."""
    stubbers: dict[str, Stubber] = {}

    def for_account(account_id: str) -> Stubber:
        if account_id not in stubbers:
            region = sessions.account(account_id).regions[0]
            stubbers[account_id] = stub(sessions.client(account_id, "sts", region))
        return stubbers[account_id]

    return for_account


def decoded_ok(stubber: Stubber, blob: str = BLOB) -> None:
    stubber.add_response(
        "decode_authorization_message",
        {"DecodedMessage": json.dumps(DECODED)},
        {"EncodedMessage": blob},
    )


def rejected(
    stubber: Stubber, code: str = "InvalidAuthorizationMessageException", msg: str = ""
) -> None:
    stubber.add_client_error("decode_authorization_message", code, msg or f"{code} happened")


def test_decodes_in_the_first_account_and_parses_the_json(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    decoded_ok(sts(PROD.id))

    result = decoder.decode(BLOB[:200] + "\n  " + BLOB[200:], [PROD.id, DEV.id])

    assert result == DecodeResult(PROD.id, DECODED)


def test_second_decode_of_the_same_blob_makes_no_aws_call(
    decoder: Decoder, sts: Callable[[str], Stubber], call_log: CallLog
) -> None:
    decoded_ok(sts(PROD.id))
    first = decoder.decode(BLOB, [PROD.id])
    calls_after_first = len(call_log.calls)

    second = decoder.decode(BLOB, [DEV.id, PROD.id])

    assert second == first
    assert len(call_log.calls) == calls_after_first


def test_cache_lives_in_redis_under_the_prefix_with_a_ttl(
    decoder: Decoder,
    sts: Callable[[str], Stubber],
    redis_client: redis.Redis,
    redis_prefix: str,
) -> None:
    decoded_ok(sts(PROD.id))

    decoder.decode(BLOB, [PROD.id])

    (key,) = redis_client.scan_iter(match=f"{redis_prefix}:decode:*")
    assert len(key.decode().rsplit(":", 1)[1]) == 64  # sha256 hex of the blob
    assert 0 < redis_client.ttl(key) <= TTL


def test_second_decode_in_the_same_account_makes_no_assume_role(
    decoder: Decoder, sts: Callable[[str], Stubber], call_log: CallLog
) -> None:
    decoded_ok(sts(PROD.id))
    decoded_ok(sts(PROD.id), blob=BLOB + "x")

    decoder.decode(BLOB, [PROD.id])
    decoder.decode(BLOB + "x", [PROD.id])

    assert call_log.count("AssumeRole") == 1
    assert call_log.count("DecodeAuthorizationMessage") == 2


def test_tries_the_next_account_when_one_rejects_the_message(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(DEV.id))
    decoded_ok(sts(PROD.id))

    result = decoder.decode(BLOB, [DEV.id, PROD.id, TEST.id])

    assert result.account_id == PROD.id


def test_rejected_everywhere_lists_where_it_tried(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(PROD.id))
    rejected(sts(DEV.id))

    with pytest.raises(MessageInvalid) as caught:
        decoder.decode(BLOB, [PROD.id, DEV.id])

    assert "prod (111111111111), dev (222222222222)" in caught.value.user_message
    assert "cut or altered" in caught.value.user_message
    assert "whole blob" in caught.value.next_step


def test_an_expired_message_says_to_get_a_fresh_one(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(PROD.id), msg="The message has expired.")

    with pytest.raises(MessageInvalid, match="expired") as caught:
        decoder.decode(BLOB, [PROD.id])

    assert "fresh" in caught.value.next_step


def test_bot_denied_decode_names_the_permission_and_role(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(PROD.id), code="AccessDenied", msg="User: x is not authorized")

    with pytest.raises(BotAccessDenied) as caught:
        decoder.decode(BLOB, [PROD.id])

    assert "sts:DecodeAuthorizationMessage" in caught.value.user_message
    assert PROD.read_role_arn in caught.value.user_message


def test_throttling_everywhere_is_reported_as_throttling(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(PROD.id), code="Throttling")

    with pytest.raises(AwsThrottled, match="try again in a minute"):
        decoder.decode(BLOB, [PROD.id])


def test_accounts_it_could_not_ask_are_named_next_to_the_rejections(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    rejected(sts(PROD.id))
    rejected(sts(DEV.id), code="AccessDenied")

    with pytest.raises(MessageInvalid) as caught:
        decoder.decode(BLOB, [PROD.id, DEV.id])

    assert "could not try dev (222222222222)" in caught.value.user_message


def test_unconfigured_accounts_are_skipped(decoder: Decoder, sts: Callable[[str], Stubber]) -> None:
    decoded_ok(sts(DEV.id))

    assert decoder.decode(BLOB, ["999999999999", DEV.id]).account_id == DEV.id


def test_no_configured_account_at_all_is_refused(decoder: Decoder) -> None:
    with pytest.raises(AccountUnknown, match="999999999999"):
        decoder.decode(BLOB, ["999999999999"])


def test_decodes_without_redis_and_warns(
    sessions: ReadSessions, sts: Callable[[str], Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    down = redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    decoded_ok(sts(PROD.id))

    result = Decoder(sessions, down, "bd", TTL).decode(BLOB, [PROD.id])

    assert result.decoded == DECODED
    assert "Decode cache unavailable" in caplog.text


def test_an_account_whose_read_role_cannot_be_assumed_is_skipped(
    sessions: ReadSessions,
    base_session: boto3.Session,
    redis_client: redis.Redis,
    redis_prefix: str,
    stub: Callable[[Any], Stubber],
) -> None:
    refuse_assume_role(base_session, DEV.read_role_arn)
    decoded_ok(stub(sessions.client(PROD.id, "sts", PROD.regions[0])))

    result = Decoder(sessions, redis_client, redis_prefix, TTL).decode(BLOB, [DEV.id, PROD.id])

    assert result.account_id == PROD.id


def test_a_decoded_message_that_is_not_json_is_an_error(
    decoder: Decoder, sts: Callable[[str], Stubber]
) -> None:
    sts(PROD.id).add_response("decode_authorization_message", {"DecodedMessage": "<html>"})

    with pytest.raises(BackupDoctorError, match="not a JSON object"):
        decoder.decode(BLOB, [PROD.id])


def refuse_assume_role(session: boto3.Session, role_arn: str) -> None:
    """STS refuses AssumeRole of ``role_arn`` (moto's AssumeRole never does)."""

    def refuse(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if params["body"].get("RoleArn") != role_arn:
            return None
        error = {"Code": "AccessDenied", "Message": "not authorized to perform: sts:AssumeRole"}
        parsed = {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}
        return AWSResponse("https://sts", 403, {}, None), parsed

    session.events.register("before-call.sts.AssumeRole", refuse)


def test_with_no_cache_configured_it_decodes_every_time_and_quietly(
    sessions: ReadSessions, sts: Callable[[str], Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    stubber = sts(PROD.id)
    decoded_ok(stubber)
    decoded_ok(stubber)
    decoder = Decoder(sessions, None, "bd", TTL)

    assert decoder.decode(BLOB, [PROD.id]).decoded == DECODED
    assert decoder.decode(BLOB, [PROD.id]).decoded == DECODED
    stubber.assert_no_pending_responses()
    assert "cache" not in caplog.text.lower()
