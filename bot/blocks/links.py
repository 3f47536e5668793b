"""AWS console addresses for the link buttons. Only well-formed ids make a link; else None.

The AWS Backup console has one details page per job type
(``https://<region>.console.aws.amazon.com/backup/home?region=<region>#/jobs/<type>/details/<id>``)
and IAM shows a role at ``https://console.aws.amazon.com/iam/home#/roles/details/<name>``. GovCloud
and China use their own console domains.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from bot.arns import is_account_id, is_region, parse_role_arn
from bot.models import Job

_JOB_ID = re.compile(r"^[A-Za-z0-9-]{1,128}$")
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
