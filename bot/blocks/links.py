"""AWS console addresses for the link buttons. Only well-formed ids make a link; else None.

The AWS Backup console has one details page per job type
(``https://<region>.console.aws.amazon.com/backup/home?region=<region>#/jobs/<type>/details/<id>``)
and IAM shows a role at ``https://console.aws.amazon.com/iam/home#/roles/details/<name>``, IAM
Access Troubleshooter an authorization ID at ``.../iam/home?region=<region>#/authorization-
details/<id>``, and CloudTrail's Event history one event at ``.../cloudtrailv2/home?region=<region>
#/events/<event id>`` or a filter on the event name at ``#/events?EventName=<name>``. GovCloud and
China use their own console domains.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from bot.arns import is_account_id, is_region, parse_role_arn
from bot.models import Job

_JOB_ID = re.compile(r"^[A-Za-z0-9-]{1,128}$")
_AUTHORIZATION_ID = re.compile(r"^[0-9A-Za-z]{8,128}$")
_EVENT_ID = re.compile(r"^[0-9A-Za-z-]{1,128}$")
_EVENT_NAME = re.compile(r"^[A-Za-z0-9]{1,128}$")
_CONSOLE = {
    "aws": "console.aws.amazon.com",
    "aws-us-gov": "console.amazonaws-us-gov.com",
    "aws-cn": "console.amazonaws.cn",
}


def _partition(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def job_console_url(job: Job) -> str | None:
    """The AWS Backup console page of ``job``, or None if its id or region looks wrong."""
    if not is_region(job.region) or not _JOB_ID.fullmatch(job.job_id):
        return None
    domain = _CONSOLE[_partition(job.region)]
    return (
        f"https://{job.region}.{domain}/backup/home?region={job.region}"
        f"#/jobs/{job.job_type}/details/{quote(job.job_id, safe='')}"
    )


def role_console_url(role_arn: str | None) -> str | None:
    """The IAM console page of the role, or None if ``role_arn`` is not a role ARN."""
    role = parse_role_arn(role_arn)
    if role is None or not is_account_id(role.account):
        return None
    domain = _CONSOLE.get(role.partition, _CONSOLE["aws"])
    return f"https://{domain}/iam/home#/roles/details/{quote(role.name, safe='')}"


def authorization_console_url(authorization_id: str, region: str | None) -> str | None:
    """IAM Access Troubleshooter's page of one authorization ID (its Region's, when known)."""
    if not _AUTHORIZATION_ID.fullmatch(authorization_id):
        return None
    if region is None or not is_region(region):
        return f"https://{_CONSOLE['aws']}/iam/home#/authorization-details/{authorization_id}"
    domain = _CONSOLE[_partition(region)]
    return (
        f"https://{region}.{domain}/iam/home?region={region}"
        f"#/authorization-details/{authorization_id}"
    )


def trail_event_console_url(event_id: str, region: str) -> str | None:
    """CloudTrail Event history's page of one event, or None if the id or Region looks wrong."""
    if not is_region(region) or not _EVENT_ID.fullmatch(event_id):
        return None
    domain = _CONSOLE[_partition(region)]
    return f"https://{region}.{domain}/cloudtrailv2/home?region={region}#/events/{event_id}"


def trail_search_console_url(event_name: str, region: str) -> str | None:
    """CloudTrail Event history filtered on one event name (the API that was refused)."""
    if not is_region(region) or not _EVENT_NAME.fullmatch(event_name):
        return None
    domain = _CONSOLE[_partition(region)]
    return (
        f"https://{region}.{domain}/cloudtrailv2/home?region={region}"
        f"#/events?EventName={quote(event_name, safe='')}"
    )
