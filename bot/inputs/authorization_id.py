"""IAM Access Troubleshooter authorization IDs in a pasted error (AWS's newer denial format).

Newer AccessDenied messages end "Go to https://<region>.console.aws.amazon.com/iam/home?region=
<region>#/authorization-details/<ID> for complete details, or call the
GetRequestAuthorizationDetails API with the following authorization id: <ID>". Either half is
enough: people often paste only the link, or only the sentence. The console link's Region is
where the details live (AWS answers ResourceNotFound in any other Region).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.arns import is_region

# AWS documents the ID as [0-9a-z]+; its own examples use capitals, so accept both.
_ID = r"([0-9A-Za-z]{8,128})\b"
_SENTENCE = re.compile(r"(?i)authorization\s++id\s*+:?\s*+" + _ID)
_LINK = re.compile(
    r"https://(?:([a-z]{2}(?:-[a-z]+)+-\d)\.)?console\.(?:aws\.amazon\.com|amazonaws\.cn)"
    r"/iam/home(?:\?region=([a-z]{2}(?:-[a-z]+)+-\d))?#/authorization-details/" + _ID
)


@dataclass(frozen=True)
class AuthorizationId:
    """An authorization ID and the Region its console link names (None: not told)."""

    id: str
    region: str | None = None


def find_authorization_id(text: str) -> AuthorizationId | None:
    """The authorization ID the text names, with the Region of its console link."""
    link = _LINK.search(text)
    region = None
    if link is not None:
        region = next((r for r in (link.group(2), link.group(1)) if r and is_region(r)), None)
    sentence = _SENTENCE.search(text)
    if sentence is not None:
        return AuthorizationId(sentence.group(1), region)
    if link is not None:
        return AuthorizationId(link.group(3), region)
    return None
