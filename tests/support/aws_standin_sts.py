"""STS ``DecodeAuthorizationMessage`` for the AWS stand-in, backed by a registry of blobs.

A blob decodes only if it was registered, exactly (STS rejects whitespace and line breaks rather
than stripping them), and, when registered for an account, only for callers in that account. Whether
real STS decodes in other accounts is not documented; the stand-in answers
``InvalidAuthorizationMessageException`` there, so the bot's fall-back to other accounts is
exercised.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from tests.support import decoded_messages
from tests.support.aws_standin_state import Blob, StandinState
from tests.support.aws_standin_wire import AwsError, Call, WireResponse, success_response

INVALID_MESSAGE = "Message is not valid"
"""The message STS gives with ``InvalidAuthorizationMessageException``."""

_BLOB_CHARS = re.compile(r"^[A-Za-z0-9_\-]+$")


class DecodeRegistry:
    """Registered blobs and the ``DecodeAuthorizationMessage`` operation over them."""

    def __init__(self, state: StandinState) -> None:
        self._state = state

    def register(
        self, blob: str, decoded: dict[str, Any] | str, account: str | None = None
    ) -> None:
        """Make ``blob`` decode to ``decoded`` (dict or JSON text), only in ``account`` if given."""
        text = decoded if isinstance(decoded, str) else json.dumps(decoded)
        json.loads(text)  # a decoded message is always a JSON document
        if not _BLOB_CHARS.match(blob):
            raise ValueError("a blob uses [A-Za-z0-9_-] only; STS could never decode this one")
        with self._state.lock:
            self._state.blobs[blob] = Blob(text, account)
            self._state.save()

    def register_new(self, decoded: dict[str, Any], account: str | None = None) -> str:
        """Register ``decoded`` under a fresh random blob shaped like real ones; return the blob."""
        blob = secrets.token_urlsafe(480)
        self.register(blob, decoded, account)
        return blob

    def decode(self, call: Call) -> WireResponse:
        """``sts:DecodeAuthorizationMessage``."""
        blob = call.params.get("EncodedMessage", "")
        with self._state.lock:
            entry = self._state.blobs.get(blob)
        if entry is None or (entry.account is not None and entry.account != call.account):
            raise AwsError("InvalidAuthorizationMessageException", INVALID_MESSAGE)
        return success_response(
            "sts", "DecodeAuthorizationMessage", {"DecodedMessage": entry.decoded}
        )


def passrole_denial(
    account: str, region: str, restore_role_arn: str, role_id: str, passed_role_arn: str
) -> dict[str, Any]:
    """The decoded message of an AWS Backup restore whose role may not pass ``passed_role_arn``.

    The shared full-shape denial (``tests.support.decoded_messages``): the principal is the
    restore role's ``AWSBackup-<RoleName>`` session, the conditions the call's region and account.
    """
    return decoded_messages.passrole_denial(
        account=account,
        restore_role=restore_role_arn,
        role_id=role_id,
        passed_role=passed_role_arn,
        conditions={"aws:Region": region, "aws:Account": account},
    )
