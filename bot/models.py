"""Plain domain data shared by inputs, diagnosis, AWS access, Block Kit builders and state.

Pure pydantic models: no Slack, no boto3, no I/O. Everything here is JSON-serialisable so it can be
stored in Redis, printed by the CLI and rendered by the builders. Unknown values are ``None``,
never guessed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PolicyType = Literal[
    "identity", "scp", "rcp", "permissions_boundary", "session", "resource", "vpc_endpoint"
]
InputKind = Literal[
    "encoded_message",  # a bare encoded authorization message
    "error_text",  # a whole pasted error (may hold a blob and/or the plain-text sentence)
    "decoded_message",  # an already decoded message (JSON, escaped JSON, abridged)
    "job_id",  # an AWS Backup restore/backup/copy job id
    "job_arn",  # an AWS Backup job ARN
    "status_text",  # a Backup job status message with no blob ("Access Denied trying to ...")
]
JobType = Literal["restore", "backup", "copy"]
Severity = Literal["info", "low", "medium", "high", "critical"]
#: most severe first: the order findings are shown in
SEVERITY_ORDER: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
#: what each policy type is called in every text the bot writes
POLICY_TYPE_NAMES: dict[PolicyType, str] = {
    "identity": "identity-based policy",
    "scp": "service control policy (SCP)",
    "rcp": "resource control policy (RCP)",
    "permissions_boundary": "permissions boundary",
    "session": "session policy",
    "resource": "resource-based policy",
    "vpc_endpoint": "VPC endpoint policy",
}


def severity_rank(severity: str) -> int:
    """0 for the most severe; an unknown severity sorts last."""
    order: tuple[str, ...] = SEVERITY_ORDER
    return order.index(severity) if severity in order else len(order)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SentenceDenial(_Frozen):
    """What the plain-text sentence of newer errors says ("User: X is not authorized to ...")."""

    principal_arn: str | None = None
    action: str | None = None
    resource: str | None = None
    explicit_deny: bool | None = None
    policy_type: PolicyType | None = None
    policy_arn: str | None = None  # "... explicit deny in an identity-based policy: <ARN>"


class JobRef(_Frozen):
    """A reference to an AWS Backup job, from an id or an ARN in the user's text."""

    job_id: str
    job_type: JobType | None = None  # None: not told by the text; try each in turn
    arn: str | None = None
    account_id: str | None = None
    region: str | None = None


class ParsedInput(_Frozen):
    """What the user's free text contains. Produced by ``bot.inputs.parse_input``."""

    kind: InputKind
    encoded_message: str | None = None  # the blob, whitespace removed
    truncated: bool = False  # the blob looks cut; do not send it to STS
    decoded: dict[str, Any] | None = None  # decoded message in AWS's shape (maybe partial)
    decoded_partial: bool = False  # the decoded message was abridged: missing fields are unknown
    sentence: SentenceDenial | None = None
    job: JobRef | None = None
    status_text: str | None = None  # a Backup job status sentence with no blob
    account_id: str | None = None  # from an `account=` hint or from ARNs in the text
    region: str | None = None  # from a `region=` hint or from ARNs in the text
    account_hint: bool = False  # account_id came from an explicit `account=` word
    region_hint: bool = False  # region came from an explicit `region=` word
    producer: str | None = None  # the tool that printed it: aws-cli, terraform, backup-status...
    called_api: str | None = None  # the API the caller called; never taken for the denied action
    error_code: str | None = None  # the AWS error code in the text (UnauthorizedOperation, ...)
    authorization_id: str | None = None  # IAM Access Troubleshooter's id for this denial
    authorization_region: str | None = None  # the Region its console link names


class MatchedStatement(_Frozen):
    """One statement that decided the denial (a decoded message's, or Access Troubleshooter's)."""

    sid: str | None = None
    effect: str | None = None
    principals: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    conditions: dict[str, list[str]] = Field(default_factory=dict)
    policy: str | None = None  # the policy it is in: a managed policy's ARN, else AWS's URI
    policy_type: PolicyType | None = None


AuthorizationStatus = Literal["found", "not_found", "no_permission", "failed", "not_read"]


class AuthorizationLookup(_Frozen):
    """What ``GetRequestAuthorizationDetails`` said about an authorization ID, or why it did not.

    ``details`` is AWS's answer with every page of evaluations merged; only when ``found``.
    """

    authorization_id: str
    status: AuthorizationStatus
    account_id: str | None = None  # the account whose read role asked
    region: str | None = None  # where it was asked (where the details live)
    details: dict[str, Any] | None = None
    problem: str | None = None  # why it could not be read, in a sentence


TrailStatus = Literal["found", "not_found", "not_read"]


class TrailLookup(_Frozen):
    """What CloudTrail gave back for a cut or left-out encoded message, or why it was not asked.

    ``found``: the refused call's event (its id, time, Region); ``decoded`` says whether its whole
    encoded message could be decoded (``problem`` says why not).
    """

    status: TrailStatus
    called_api: str
    account_id: str | None = None  # the account whose read role looked
    regions: list[str] = Field(default_factory=list)  # where it looked
    event_id: str | None = None
    event_time: datetime | None = None
    region: str | None = None  # the found event's Region
    decoded: bool = False
    problem: str | None = None


class Denial(_Frozen):
    """The facts of one authorization denial, merged from every source available."""

    principal_arn: str | None = None
    role_arn: str | None = None  # the IAM role behind an assumed-role session (job's role wins)
    #: role_arn was read whole (the job, the principal itself, AWS's evaluation, IAM's GetRole),
    #: not rebuilt from a session ARN, which drops the role's path
    role_exact: bool = False
    account_id: str | None = None
    region: str | None = None
    action: str | None = None  # normalised, "service:Action"
    resource: str | None = None
    explicit_deny: bool | None = None
    policy_type: PolicyType | None = None
    matched_statements: list[MatchedStatement] = Field(default_factory=list)
    context: dict[str, list[str]] = Field(default_factory=dict)  # context condition keys
    sources: list[str] = Field(default_factory=list)  # decoded_message | sentence | job
    #: the fields above whose account the poster masked ("[redacted]", "xxxxxxxxxxxx"): kept as
    #: written, shown as such, and never sent to AWS
    redacted: list[str] = Field(default_factory=list)


class Job(_Frozen):
    """An AWS Backup job as the Describe*Job calls return it (plain data, no boto3 types)."""

    job_id: str
    job_type: JobType
    account_id: str
    region: str
    status: str | None = None
    status_message: str | None = None
    iam_role_arn: str | None = None
    recovery_point_arn: str | None = None
    resource_type: str | None = None
    resource_arn: str | None = None
    created_resource_arn: str | None = None
    backup_vault_name: str | None = None
    destination_vault_arn: str | None = None
    creation_date: datetime | None = None
    completion_date: datetime | None = None
    # GetRestoreJobMetadata (restores only): the metadata the job ran with, to replay it.
    restore_metadata: dict[str, str] = Field(default_factory=dict)


class Finding(_Frozen):
    """One conclusion of a diagnosis rule; text comes from the catalogue keyed by ``code``."""

    code: str
    title: str
    explanation: str
    severity: Severity = "medium"
    details: dict[str, str] = Field(default_factory=dict)


class Remedy(_Frozen):
    """One way to resolve a finding; ``fix`` names the fix-catalogue entry the bot can apply."""

    id: str
    title: str
    description: str
    changes_iam: bool
    automatic: bool  # the bot can carry it out (after approval)
    fix: str | None = None  # the fix catalogue entry (bot.fixes.catalogue) that carries it out
    attach_to: str | None = None  # role ARN the policy goes on
    policy: dict[str, Any] | None = None  # least-privilege policy document
    policy_name: str | None = None  # inline policy name the fix uses
    confirm: str | None = None  # what the fix will do, for the confirm dialog of its button


class Diagnosis(_Frozen):
    """Everything the bot concluded about one input. ``decoded_message`` is privileged."""

    input: ParsedInput
    denial: Denial | None = None
    job: Job | None = None
    findings: list[Finding] = Field(default_factory=list)
    remedies: list[Remedy] = Field(default_factory=list)
    decoded_message: dict[str, Any] | None = None
    account_name: str | None = None
    authorization: AuthorizationLookup | None = None  # IAM Access Troubleshooter's details
    cloudtrail: TrailLookup | None = None  # where a cut encoded message was read back from


class Rejection(_Frozen):
    """Why a text could not be used, with what to paste instead (never an exception)."""

    reason: Literal["empty", "unrecognised", "too_long", "binary"]
    message: str


RequestState = Literal[
    "DIAGNOSED",
    "FIX_REQUESTED",
    "APPROVED",
    "QUEUED",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "DENIED",
    "EXPIRED",
    "REVERTED",
]


class FixPlan(_Frozen):
    """Exactly what an approved fix will do; shown to approvers before anything changes."""

    fix: str  # the fix catalogue entry (bot.fixes.catalogue) that carries it out
    account_id: str  # the request's account: where the denied job ran and is re-run
    #: the account whose resource the fix changes when it is not ``account_id`` (a key policy or
    #: a vault access policy in another account); its fix role makes that change
    resource_account_id: str | None = None
    region: str
    summary: str  # one plain sentence: what will happen
    role_arn: str | None = None  # the role an inline policy is put on / removed from
    policy_name: str | None = None  # inline policy name (fixed, request-derived: idempotent)
    policy: dict[str, Any] | None = None  # the policy document to put
    current_inline_policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: the role's inline policies once applied (None: the fix changes no inline policy)
    inline_policies_after: dict[str, dict[str, Any]] | None = None
    restore_params: dict[str, Any] | None = None  # StartRestoreJob parameters for a re-run
    #: the re-runs of the other jobs that failed the same way (a burst), started after the first
    more_restore_params: list[dict[str, Any]] = Field(default_factory=list)
    #: a resource policy change (key policy, vault access policy): the resource, and its policy
    #: as the exact JSON text read at plan time (None: it had none) and as it will be put
    resource_arn: str | None = None
    resource_policy_before: str | None = None
    resource_policy_after: str | None = None
    simulation_before: str | None = None  # SimulatePrincipalPolicy decision before the change
    simulation_after: str | None = None  # ... with the proposed policy added

    def policies_after(self) -> dict[str, dict[str, Any]]:
        """The role's inline policies once the plan is applied (as now when it changes none)."""
        after = self.inline_policies_after
        return dict(self.current_inline_policies if after is None else after)
