"""CloudTrail records of refused calls, as EC2 writes them, for the stand-in and for Stubber.

``refused_call`` is the record itself (``CloudTrailEvent`` once serialised): the stand-in's
``seed_trail_event`` takes it as is.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

NOT_AUTHORIZED = "You are not authorized to perform this operation."


def refused_call(
    account: str,
    principal: str,
    blob: str | None,
    *,
    event_name: str = "RunInstances",
    region: str = "us-east-1",
    minutes_ago: float = 5,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A refused ``event_name`` call by ``principal``; its errorMessage carries ``blob`` whole."""
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    message = NOT_AUTHORIZED
    if blob is not None:
        message += f" Encoded authorization failure message: {blob}"
    return {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:session",
            "arn": principal,
            "accountId": account,
        },
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "ec2.amazonaws.com",
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": "10.0.12.7",
        "userAgent": "aws-sdk-go-v2/1.30.3",
        "errorCode": "Client.UnauthorizedOperation",
        "errorMessage": message,
        "requestID": str(uuid.uuid4()),
        "eventID": event_id or str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
