"""Account ids and Regions as they appear inside ARNs and ``account=`` / ``region=`` words."""

from __future__ import annotations

import re
from collections.abc import Iterable

ACCOUNT_ID = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
# partition:service:region:account: -- the fields that locate a resource.
_ARN_HEAD = re.compile(
    r"(?<![A-Za-z0-9])arn:aws(?:-[a-z]+)*+:[A-Za-z0-9-]*+:(?P<region>[a-z0-9-]*+):(?P<account>[0-9]*+):"
)


def is_account_id(value: str) -> bool:
    """Tell whether ``value`` is a real 12-digit AWS account id."""
    return ACCOUNT_ID.fullmatch(value) is not None


def is_region(value: str) -> bool:
    """Tell whether ``value`` is shaped like a Region name (``eu-west-1``, ``us-gov-east-1``)."""
    return REGION.fullmatch(value) is not None


def account_and_region(texts: Iterable[str | None]) -> tuple[str | None, str | None]:
    """Return the first real account id and the first Region found in ARNs, searching in order."""
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
