"""AWS Backup job operations for the AWS stand-in (moto has none of them).

Jobs and recovery points are seeded per account and Region (``None``: visible from every account
or Region) and are found only by callers there, as in AWS. ``StartRestoreJob`` creates a job that is
PENDING, then RUNNING, then ends (see ``aws_standin_state.RestoreTiming``). How it ends is decided
when it is started:

1. a scripted outcome (:meth:`BackupService.script_restore_outcome`) for its recovery point, if any;
2. else the PassRole rule: when the restore metadata names an instance profile
   (:data:`INSTANCE_PROFILE_KEY`), the restore role must be allowed ``iam:PassRole`` on the
   profile's role by its inline or attached policies in moto (``aws_standin_iam`` says how they
   are evaluated). If not, the job FAILS with AWS Backup's not-authorized text and a freshly
   registered blob that decodes to the PassRole denial (callable only from the job's account);
3. else it COMPLETES (EC2 and EBS restores get a created resource ARN).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from tests.support.aws_standin_iam import MotoIam, evaluate
from tests.support.aws_standin_state import (
    RecoveryPoint,
    RestoreJob,
    RestoreTiming,
    ScriptedOutcome,
    StandinState,
    StoredJob,
    visible,
)
from tests.support.aws_standin_sts import DecodeRegistry, passrole_denial
from tests.support.aws_standin_wire import (
    AwsError,
    Call,
    WireResponse,
    operation_model,
    service_model,
    success_response,
    to_epoch,
    validate_output,
    validate_shape,
)

INSTANCE_PROFILE_KEY = "IamInstanceProfileName"
"""The EC2 restore metadata key naming the instance profile to attach to the restored instance."""

BACKUP_NOT_AUTHORIZED = (
    "You are not authorized to perform this operation. Please consult the permissions associated "
    "with your AWS Backup role(s), and refer to the AWS Backup documentation for more details."
)
"""AWS Backup's status message when the restore role was denied (verbatim, see shared/samples)."""

SERVICE_LINKED_ROLE = "role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"
"""The role a restore without ``IamRoleArn`` runs as (after ``arn:aws:iam::<account>:``)."""

Handler = Callable[[Call], WireResponse]


class BackupService:
    """Seeding API and request handlers for the AWS Backup job operations."""

    def __init__(self, state: StandinState, iam: MotoIam, decoder: DecodeRegistry) -> None:
        self._state = state
        self._iam = iam
        self._decoder = decoder
        self.handlers: dict[str, Handler] = {
            "DescribeRestoreJob": self._describe_restore_job,
            "GetRestoreJobMetadata": self._get_restore_job_metadata,
            "DescribeBackupJob": self._describe_backup_job,
            "DescribeCopyJob": self._describe_copy_job,
            "GetRecoveryPointRestoreMetadata": self._get_recovery_point_restore_metadata,
            "StartRestoreJob": self._start_restore_job,
            "ListRestoreJobs": self._list_restore_jobs,
            "ListBackupJobs": lambda call: self._list_stored(call, "ListBackupJobs"),
            "ListCopyJobs": lambda call: self._list_stored(call, "ListCopyJobs"),
        }

    # --- seeding ---------------------------------------------------------------------------------

    def seed_restore_job(
        self,
        recovery_point_arn: str,
        *,
        status: str = "FAILED",
        status_message: str | None = None,
        job_id: str | None = None,
        account: str | None = None,
        region: str | None = None,
        iam_role_arn: str | None = None,
        resource_type: str | None = "EC2",
        metadata: dict[str, str] | None = None,
        created_resource_arn: str | None = None,
        created: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Add a restore job already in ``status``; ``extra`` adds other DescribeRestoreJob fields.

        Returns the job id (a new UUID unless ``job_id`` is given). Raises ``ResponseInvalid`` if
        the job would not describe as a valid ``DescribeRestoreJob`` output.
        """
        job = RestoreJob(
            job_id=job_id or str(uuid.uuid4()).upper(),
            recovery_point_arn=recovery_point_arn,
            final_status=status,
            created_at=to_epoch(created) if created is not None else self._state.clock() - 3600,
            account=account,
            region=region,
            iam_role_arn=iam_role_arn,
            resource_type=resource_type,
            status_message=status_message,
            metadata=dict(metadata or {}),
            created_resource_arn=created_resource_arn,
            extra=_epochs(
                extra or {}, operation_model("backup", "DescribeRestoreJob").output_shape
            ),
        )
        describe = job.describe(self._state.clock(), account)
        validate_output(operation_model("backup", "DescribeRestoreJob"), describe)
        with self._state.lock:
            self._state.restore_jobs[job.job_id] = job
            self._state.save()
        return job.job_id

    def seed_backup_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a backup job given as DescribeBackupJob fields; returns its ``BackupJobId``."""
        shape = operation_model("backup", "DescribeBackupJob").output_shape
        fields = _epochs({"BackupJobId": str(uuid.uuid4()).upper(), **job}, shape)
        validate_output(operation_model("backup", "DescribeBackupJob"), fields)
        with self._state.lock:
            self._state.backup_jobs[fields["BackupJobId"]] = StoredJob(fields, account, region)
            self._state.save()
        return str(fields["BackupJobId"])

    def seed_copy_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a copy job given as the ``CopyJob`` fields of DescribeCopyJob."""
        shape = service_model("backup").shape_for("CopyJob")
        fields = _epochs({"CopyJobId": str(uuid.uuid4()).upper(), **job}, shape)
        validate_shape(fields, shape, "CopyJob")
        with self._state.lock:
            self._state.copy_jobs[fields["CopyJobId"]] = StoredJob(fields, account, region)
            self._state.save()
        return str(fields["CopyJobId"])

    def seed_recovery_point(
        self,
        vault: str,
        arn: str,
        metadata: dict[str, str],
        *,
        resource_type: str | None = "EC2",
        account: str | None = None,
        region: str | None = None,
    ) -> None:
        """Add a recovery point whose ``GetRecoveryPointRestoreMetadata`` returns ``metadata``."""
        point = RecoveryPoint(vault, arn, dict(metadata), resource_type, account, region)
        with self._state.lock:
            self._state.recovery_points.append(point)
            self._state.save()

    def script_restore_outcome(
        self,
        status: str,
        status_message: str | None = None,
        recovery_point_arn: str = "*",
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` restores of ``recovery_point_arn`` (``*``: any) end so.

        ``times=None`` applies to every later restore. Scripted outcomes take precedence over the
        PassRole rule.
        """
        if status not in ("COMPLETED", "FAILED", "ABORTED"):
            raise ValueError(f"a restore ends COMPLETED, FAILED or ABORTED, not {status!r}")
        with self._state.lock:
            outcome = ScriptedOutcome(status, status_message, recovery_point_arn, times)
            self._state.outcomes.append(outcome)
            self._state.save()

    def set_restore_timing(self, pending_seconds: float, running_seconds: float) -> None:
        """How long restores started from now on stay PENDING and then RUNNING."""
        with self._state.lock:
            self._state.timing = RestoreTiming(pending_seconds, running_seconds)
            self._state.save()

    def restore_jobs(self) -> list[dict[str, Any]]:
        """Every restore job (seeded and started), as DescribeRestoreJob would show it now."""
        with self._state.lock:
            jobs = list(self._state.restore_jobs.values())
        now = self._state.clock()
        return [{**job.describe(now, job.account), "Metadata": job.metadata} for job in jobs]

    # --- handlers --------------------------------------------------------------------------------

    def _restore_job(self, call: Call, job_id: str) -> RestoreJob:
        with self._state.lock:
            job = self._state.restore_jobs.get(job_id)
        if job is None or not visible(job.account, job.region, call.account, call.region):
            raise AwsError("ResourceNotFoundException", f"Restore job {job_id} not found.", 404)
        return job

    def _describe_restore_job(self, call: Call) -> WireResponse:
        job = self._restore_job(call, call.params["RestoreJobId"])
        body = job.describe(self._state.clock(), call.account)
        return success_response("backup", "DescribeRestoreJob", body)

    def _get_restore_job_metadata(self, call: Call) -> WireResponse:
        job = self._restore_job(call, call.params["RestoreJobId"])
        body = {"RestoreJobId": job.job_id, "Metadata": job.metadata}
        return success_response("backup", "GetRestoreJobMetadata", body)

    def _stored(self, jobs: dict[str, StoredJob], call: Call, job_id: str, kind: str) -> StoredJob:
        with self._state.lock:
            job = jobs.get(job_id)
        if job is None or not visible(job.account, job.region, call.account, call.region):
            raise AwsError("ResourceNotFoundException", f"{kind} job {job_id} not found.", 404)
        return job

    def _describe_backup_job(self, call: Call) -> WireResponse:
        job = self._stored(self._state.backup_jobs, call, call.params["BackupJobId"], "Backup")
        body = {"AccountId": job.account or call.account, **job.fields}
        return success_response("backup", "DescribeBackupJob", body)

    def _describe_copy_job(self, call: Call) -> WireResponse:
        job = self._stored(self._state.copy_jobs, call, call.params["CopyJobId"], "Copy")
        body = {"CopyJob": {"AccountId": job.account or call.account, **job.fields}}
        return success_response("backup", "DescribeCopyJob", body)

    def _recovery_point(self, call: Call, vault: str, arn: str) -> RecoveryPoint:
        with self._state.lock:
            for point in self._state.recovery_points:
                here = visible(point.account, point.region, call.account, call.region)
                if here and (point.vault, point.arn) == (vault, arn):
                    return point
        raise AwsError("ResourceNotFoundException", f"Recovery point {arn} not found.", 404)

    def _get_recovery_point_restore_metadata(self, call: Call) -> WireResponse:
        vault, arn = call.params["BackupVaultName"], call.params["RecoveryPointArn"]
        point = self._recovery_point(call, vault, arn)
        body = {
            "BackupVaultArn": f"arn:aws:backup:{call.region}:{call.account}:backup-vault:{vault}",
            "RecoveryPointArn": arn,
            "RestoreMetadata": point.metadata,
        }
        if point.resource_type:
            body["ResourceType"] = point.resource_type
        return success_response("backup", "GetRecoveryPointRestoreMetadata", body)

    def _list_restore_jobs(self, call: Call) -> WireResponse:
        params, now = call.params, self._state.clock()
        with self._state.lock:
            jobs = [
                j
                for j in self._state.restore_jobs.values()
                if visible(j.account, j.region, call.account, call.region)
            ]
        views = [job.describe(now, call.account) for job in jobs]
        wanted = {
            "ByStatus": "Status",
            "ByResourceType": "ResourceType",
            "ByAccountId": "AccountId",
        }
        for param, key in wanted.items():
            if param in params:
                views = [v for v in views if v.get(key) == params[param]]
        if "ByCreatedAfter" in params:  # ISO 8601 in the query string, as botocore sends it
            after = to_epoch(params["ByCreatedAfter"])
            views = [v for v in views if to_epoch(v["CreationDate"]) >= after]
        if "ByCreatedBefore" in params:
            before = to_epoch(params["ByCreatedBefore"])
            views = [v for v in views if to_epoch(v["CreationDate"]) <= before]
        start = int(params.get("NextToken", 0))
        end = start + int(params.get("MaxResults", 1000))
        members = service_model("backup").shape_for("RestoreJobsListMember").members  # type: ignore[attr-defined]
        body: dict[str, Any] = {"RestoreJobs": [_only(v, members) for v in views[start:end]]}
        if end < len(views):
            body["NextToken"] = str(end)
        return success_response("backup", "ListRestoreJobs", body)

    def _list_stored(self, call: Call, operation: str) -> WireResponse:
        """``ListBackupJobs`` / ``ListCopyJobs``: ByState, ByResourceType, the creation window."""
        params = call.params
        key, member = ("BackupJobs", "BackupJob")
        stored = self._state.backup_jobs
        if operation == "ListCopyJobs":
            key, member, stored = "CopyJobs", "CopyJob", self._state.copy_jobs
        with self._state.lock:
            views = [
                {"AccountId": j.account or call.account, **j.fields}
                for j in stored.values()
                if visible(j.account, j.region, call.account, call.region)
            ]
        for param, field in {"ByState": "State", "ByResourceType": "ResourceType"}.items():
            if param in params:
                views = [v for v in views if v.get(field) == params[param]]
        if "ByCreatedAfter" in params:
            after = to_epoch(params["ByCreatedAfter"])
            views = [v for v in views if to_epoch(v.get("CreationDate", 0)) >= after]
        start = int(params.get("NextToken", 0))
        end = start + int(params.get("MaxResults", 1000))
        members = service_model("backup").shape_for(member).members  # type: ignore[attr-defined]
        body: dict[str, Any] = {key: [_only(v, members) for v in views[start:end]]}
        if end < len(views):
            body["NextToken"] = str(end)
        return success_response("backup", operation, body)

    def _start_restore_job(self, call: Call) -> WireResponse:
        token = call.params.get("IdempotencyToken")
        if token:
            with self._state.lock:
                earlier = self._state.find_idempotent(call.account, call.region, token)
            if earlier is not None:
                return success_response(
                    "backup", "StartRestoreJob", {"RestoreJobId": earlier.job_id}
                )
        job = self._new_restore_job(call)
        with self._state.lock:
            earlier = (
                self._state.find_idempotent(call.account, call.region, token) if token else None
            )
            if earlier is None:
                self._state.restore_jobs[job.job_id] = job
                self._state.save()
        job_id = (earlier or job).job_id
        return success_response("backup", "StartRestoreJob", {"RestoreJobId": job_id})

    def _new_restore_job(self, call: Call) -> RestoreJob:
        params = call.params
        role = params.get("IamRoleArn") or f"arn:aws:iam::{call.account}:{SERVICE_LINKED_ROLE}"
        resource_type = params.get("ResourceType") or self._resource_type_of(
            params["RecoveryPointArn"]
        )
        status, message = self._decide_outcome(call, role, params["RecoveryPointArn"])
        with self._state.lock:
            timing = self._state.timing
        return RestoreJob(
            job_id=str(uuid.uuid4()).upper(),
            recovery_point_arn=params["RecoveryPointArn"],
            final_status=status,
            created_at=self._state.clock(),
            account=call.account,
            region=call.region,
            iam_role_arn=role,
            resource_type=resource_type,
            status_message=message,
            metadata=dict(params["Metadata"]),
            created_resource_arn=_created_resource(resource_type, call.account, call.region),
            pending_seconds=timing.pending_seconds,
            running_seconds=timing.running_seconds,
            idempotency_token=params.get("IdempotencyToken"),
        )

    def _resource_type_of(self, recovery_point_arn: str) -> str | None:
        with self._state.lock:
            for point in self._state.recovery_points:
                if point.arn == recovery_point_arn:
                    return point.resource_type
            for job in self._state.restore_jobs.values():
                if job.recovery_point_arn == recovery_point_arn:
                    return job.resource_type
        return None

    def _decide_outcome(
        self, call: Call, role_arn: str, recovery_point: str
    ) -> tuple[str, str | None]:
        with self._state.lock:
            scripted = self._state.take_outcome(recovery_point)
            self._state.save()
        if scripted is not None:
            return scripted.status, scripted.status_message
        denial = self._passrole_denial(call, role_arn, call.params["Metadata"])
        return ("FAILED", denial) if denial else ("COMPLETED", None)

    def _passrole_denial(self, call: Call, role_arn: str, metadata: dict[str, str]) -> str | None:
        """AWS Backup's status message if the restore role may not pass the instance role."""
        profile = metadata.get(INSTANCE_PROFILE_KEY)
        if not profile:
            return None
        account = call.account
        passed = self._iam.instance_profile_role_arn(account, profile)
        passed = passed or f"arn:aws:iam::{account}:role/{profile}"
        role = self._iam.role(role_arn)
        policies = self._iam.role_policies(role_arn) if role else []
        # a restore passes the instance role to EC2, which is what a narrow grant names
        context = {"iam:PassedToService": ["ec2.amazonaws.com"]}
        if evaluate(policies, "iam:PassRole", passed, context).allowed:
            return None
        role_id = role["RoleId"] if role else "AROA" + secrets.token_hex(8).upper()
        decoded = passrole_denial(account, call.region, role_arn, role_id, passed)
        blob = self._decoder.register_new(decoded, account)
        return f"{BACKUP_NOT_AUTHORIZED} Encoded authorization failure message: {blob}"


def _epochs(fields: dict[str, Any], shape: Any) -> dict[str, Any]:
    """``fields`` with its timestamp members as epoch seconds (JSON-safe for the state file)."""
    members = shape.members
    return {
        k: to_epoch(v) if k in members and members[k].type_name == "timestamp" else v
        for k, v in fields.items()
    }


def _only(view: dict[str, Any], members: Any) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k in members}


def _created_resource(resource_type: str | None, account: str, region: str) -> str | None:
    if resource_type == "EC2":
        return f"arn:aws:ec2:{region}:{account}:instance/i-{secrets.token_hex(9)[:17]}"
    if resource_type == "EBS":
        return f"arn:aws:ec2:{region}:{account}:volume/vol-{secrets.token_hex(9)[:17]}"
    return None
