"""Where a denial happened: the account and Region, from hints, the job, the message or ARNs."""

from __future__ import annotations

from typing import Any

from bot.arns import account_and_region, is_region
from bot.inputs.hints import Hints
from bot.models import ParsedInput

_REGION_KEYS = frozenset({"aws:region", "ec2:region", "aws:requestedregion"})


def locate(parsed: ParsedInput, hints: Hints, text: str) -> ParsedInput:
    """Fill ``account_id`` / ``region``: hint words win, then the job ARN, then the message's ARNs.

    The denied principal's ARN comes first: decoding works in the principal's account.
    """
    decoded = parsed.decoded or {}
    sentence = parsed.sentence
    arns = [
        _dig(decoded, "context", "principal", "arn"),
        sentence.principal_arn if sentence else None,
        _dig(decoded, "context", "resource"),
        sentence.resource if sentence else None,
        text,
    ]
    found_account, found_region = account_and_region(arns)
    job = parsed.job
    account = hints.account_id or (job.account_id if job else None) or found_account
    region = (
        hints.region or (job.region if job else None) or _context_region(decoded) or found_region
    )
    return parsed.model_copy(
        update={
            "account_id": account,
            "region": region,
            "account_hint": hints.account_id is not None,
            "region_hint": hints.region is not None,
        }
    )


def _dig(value: Any, *keys: str) -> str | None:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) else None


def _context_region(decoded: dict[str, Any]) -> str | None:
    conditions = decoded.get("context", {})
    items = _items(conditions.get("conditions") if isinstance(conditions, dict) else None)
    for item in items:
        if isinstance(item, dict) and str(item.get("key", "")).lower() in _REGION_KEYS:
            for value in _items(item.get("values")):
                region = value.get("value") if isinstance(value, dict) else None
                if isinstance(region, str) and is_region(region):
                    return region
    return None


def _items(container: Any) -> list[Any]:
    items = container.get("items") if isinstance(container, dict) else None
    return items if isinstance(items, list) else []
