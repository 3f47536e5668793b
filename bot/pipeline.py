"""ONE path from pasted text to a Diagnosis, shared by the Slack handlers, the CLI and the worker.

parse -> find the account -> look the job up -> read a cut encoded message back from CloudTrail
-> decode (cached) -> read the authorization details (cached) -> find the failed job of a pasted
message -> diagnose. Every failure on the way is a ``BackupDoctorError`` that says what to do
next; the optional sources (CloudTrail, authorization details, the failed-job search) never fail
the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.arns import account_of, is_account_id, is_backup_session, role_name
from bot.aws.authorization_details import AuthorizationDetailsReader
from bot.aws.backup_jobs import JobFinder
from bot.aws.cloudtrail import CloudTrailRecovery
from bot.aws.decode import Decoder, DecodeResult
from bot.aws.failed_jobs import FailedJobMatcher
from bot.aws.roles import RoleReader
from bot.config import AccountConfig, BotConfig
from bot.diagnosis import build_denial, diagnose
from bot.diagnosis.rules.details import BACKUP_SERVICE_LINKED_ROLE
from bot.errors import AccountUnknown, BackupDoctorError, InputUnusable
from bot.inputs import parse_input
from bot.models import (
    AuthorizationLookup,
    Diagnosis,
    Job,
    JobType,
    ParsedInput,
    Rejection,
    TrailLookup,
)

logger = logging.getLogger(__name__)

#: the failed jobs a pasted Backup error may come from, restores first (their re-run is offered)
ALL_KINDS: tuple[JobType, ...] = ("restore", "backup", "copy")
#: characters of a cut message that name one failed job's status message, not many
MIN_JOB_PREFIX = 64


@dataclass(frozen=True)
class _Recovery:
    """A CloudTrail search's outcome: what the card says, and the whole blob when one was found."""

    lookup: TrailLookup
    blob: str | None = None


class Pipeline:
    """Turns text into a Diagnosis using the read-only AWS access it is given."""

    def __init__(
        self,
        config: BotConfig,
        decoder: Decoder,
        jobs: JobFinder,
        failed_jobs: FailedJobMatcher | None = None,
        authorization: AuthorizationDetailsReader | None = None,
        cloudtrail: CloudTrailRecovery | None = None,
        roles: RoleReader | None = None,
    ) -> None:
        self._config = config
        self._decoder = decoder
        self._jobs = jobs
        self._failed_jobs = failed_jobs
        self._authorization = authorization
        self._cloudtrail = cloudtrail
        self._roles = roles

    def diagnose_text(
        self,
        text: str,
        channel_id: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> Diagnosis:
        """Diagnose what the user pasted; ``account_id``/``region`` override the text's hints."""
        return self.diagnose_parsed(parse(text, account_id, region), channel_id)

    def diagnose_parsed(self, parsed: ParsedInput, channel_id: str | None = None) -> Diagnosis:
        """Diagnose an already parsed input (also used to re-diagnose a failed re-run)."""
        if parsed.account_hint and self._config.account(parsed.account_id) is None:
            raise AccountUnknown(
                f"Account {parsed.account_id} is not configured.",
                f"Configured accounts: {self._account_list()}.",
            )
        job = None
        if parsed.job is not None:
            job = self._find_job(parsed, channel_id)
            parsed = _with_status_message(parsed, job)
        whole = parsed
        if parsed.job is None and (job := self._job_of_cut_message(parsed, channel_id)):
            # the failed restore's own status message holds the whole message that was cut
            whole = _with_status_message(parsed, job)
            parsed = parsed.model_copy(update={"account_id": job.account_id, "region": job.region})
        recovery = self._recover(parsed, channel_id) if job is None else None
        if recovery is not None and recovery.blob is not None:
            result, lookup = self._decode_recovered(recovery)
            recovery = _Recovery(lookup, recovery.blob)
        else:
            result = self._decode(whole, channel_id, job)
        decoded = result.decoded if result else None
        if job is None and result is not None:
            blob = recovery.blob if recovery is not None else parsed.encoded_message
            job = self._job_of_message(parsed, result, blob)
        account_id = (job.account_id if job else None) or parsed.account_id
        account = self._config.account(account_id)
        authorization = self._read_authorization(parsed, channel_id)
        return diagnose(
            parsed,
            decoded=decoded,
            job=job,
            account_name=account.name if account else None,
            authorization=authorization,
            cloudtrail=recovery.lookup if recovery is not None else None,
            role_arn=self._exact_role(parsed, decoded, job, authorization),
        )

    def _exact_role(
        self,
        parsed: ParsedInput,
        decoded: dict[str, Any] | None,
        job: Job | None,
        authorization: AuthorizationLookup | None,
    ) -> str | None:
        """The denied session's role as IAM has it, when nothing read so far gives it whole.

        A session ARN loses the role's path; without the job's IamRoleArn, ``iam:GetRole`` in the
        role's (configured, unmasked) account tells the exact ARN a grant must name.
        """
        if self._roles is None or (job is not None and job.iam_role_arn):
            return None
        denial = build_denial(
            decoded if decoded is not None else parsed.decoded,
            parsed.sentence,
            job,
            parsed.account_id,
            parsed.region,
            authorization=authorization.details if authorization else None,
        )
        if denial is None or denial.role_exact or denial.redacted:
            return None
        name = role_name(denial.role_arn)
        account = self._config.account(account_of(denial.role_arn))
        if name is None or account is None or name == BACKUP_SERVICE_LINKED_ROLE:
            return None
        return self._roles.exact_arn(account, name)

    def _job_of_cut_message(self, parsed: ParsedInput, channel_id: str | None) -> Job | None:
        """The failed restore whose status message starts with the cut message AWS Backup showed.

        Only for AWS Backup's own text (the console's restore error), with enough of the message
        kept to name one job; in the text's account, else the channel's default.
        """
        cut = parsed.encoded_message
        if not parsed.truncated or cut is None or len(cut) < MIN_JOB_PREFIX:
            return None
        account = self._account_for(parsed, channel_id)
        if self._failed_jobs is None or account is None or parsed.producer != "backup-status":
            return None
        return self._failed_jobs.find(cut, account, kinds=ALL_KINDS)

    def _recover(self, parsed: ParsedInput, channel_id: str | None) -> _Recovery | None:
        """Read a cut or left-out encoded message back from the CloudTrail event of its call.

        Asked only when the text names the called API; in the account of the text's ARNs (or the
        ``account=`` word), else the channel's default account, never a masked one. With no piece
        of the message to match, only the named principal's own refusal is taken.
        """
        if not parsed.truncated or not parsed.called_api or self._cloudtrail is None:
            return None
        called = parsed.called_api
        account = self._account_for(parsed, channel_id)
        if account is None:
            named = parsed.account_id or "not named in the text"
            problem = (
                f"the account ({named}) is not one the bot is configured for; "
                "add account=<id> naming the account that made the call"
            )
            return _Recovery(TrailLookup(status="not_read", called_api=called, problem=problem))
        principal = parsed.sentence.principal_arn if parsed.sentence else None
        if not is_account_id(account_of(principal)):
            principal = None  # a masked ARN never matches CloudTrail's, and is never sent to AWS
        if parsed.encoded_message is None and principal is None:
            problem = "the text holds neither a piece of the encoded message nor who was denied"
            lookup = TrailLookup(
                status="not_read", called_api=called, account_id=account.id, problem=problem
            )
            return _Recovery(lookup)
        found = self._cloudtrail.find(
            called, account, prefix=parsed.encoded_message, principal_arn=principal
        )
        looked = TrailLookup(
            status="not_found", called_api=called, account_id=account.id, regions=account.regions
        )
        if found is None:
            return _Recovery(looked)
        lookup = looked.model_copy(
            update={
                "status": "found",
                "event_id": found.event_id,
                "event_time": found.event_time,
                "region": found.region,
                "problem": None if found.blob else "its error message holds no encoded message",
            }
        )
        return _Recovery(lookup, found.blob)

    def _decode_recovered(self, recovery: _Recovery) -> tuple[DecodeResult | None, TrailLookup]:
        """Decode the whole message CloudTrail gave back, in the account it was recorded in.

        A failure here never fails the answer: the card then says what the text itself states.
        """
        assert recovery.blob is not None
        lookup = recovery.lookup
        try:
            result = self._decoder.decode(recovery.blob, [lookup.account_id or ""])
        except BackupDoctorError as exc:
            logger.info("could not decode the message read back from CloudTrail: %s", exc.code)
            return None, lookup.model_copy(update={"problem": exc.user_message})
        return result, lookup.model_copy(update={"decoded": True})

    def _account_for(self, parsed: ParsedInput, channel_id: str | None) -> AccountConfig | None:
        """The configured account the text names (never a masked one), else the channel default.

        With neither, and only one account configured, that account: there is nowhere else.
        """
        candidates = [parsed.account_id, self._config.channel(channel_id).default_account]
        if len(self._config.accounts) == 1:
            candidates.append(self._config.accounts[0].id)
        return next(
            (
                account
                for candidate in candidates
                if is_account_id(candidate)
                and (account := self._config.account(candidate)) is not None
            ),
            None,
        )

    def _read_authorization(
        self, parsed: ParsedInput, channel_id: str | None
    ) -> AuthorizationLookup | None:
        """Access Troubleshooter's evaluation, asked in the denied principal's account.

        AWS lets only that account (or its organization) read it: the account of the ARNs in the
        text, else the ``account=`` word, else the channel's default account.
        """
        if parsed.authorization_id is None or self._authorization is None:
            return None
        account = self._account_for(parsed, channel_id)
        if account is None:
            named = parsed.account_id or "no account"
            return AuthorizationLookup(
                authorization_id=parsed.authorization_id,
                status="not_read",
                problem=(
                    f"the denied account ({named}) is not one the bot is configured for; "
                    "add account=<id> naming a configured account of the same organization"
                ),
            )
        return self._authorization.read(
            parsed.authorization_id, account, parsed.authorization_region
        )

    def _find_job(self, parsed: ParsedInput, channel_id: str | None) -> Job:
        assert parsed.job is not None
        ref = parsed.job
        update = {
            "account_id": ref.account_id or (parsed.account_id if parsed.account_hint else None),
            "region": ref.region or (parsed.region if parsed.region_hint else None),
        }
        ref = ref.model_copy(update=update)
        return self._jobs.find(ref, self._config.channel(channel_id).default_account)

    def _job_of_message(
        self, parsed: ParsedInput, result: DecodeResult, blob: str | None
    ) -> Job | None:
        """The failed restore a pasted AWS Backup error came from (so its fixes can re-run it)."""
        account = self._config.account(result.account_id)
        if self._failed_jobs is None or account is None or blob is None:
            return None
        context = result.decoded.get("context")
        principal = context.get("principal") if isinstance(context, dict) else None
        arn = principal.get("arn") if isinstance(principal, dict) else None
        by_backup = is_backup_session(arn if isinstance(arn, str) else None)
        if not by_backup and parsed.producer != "backup-status":
            return None
        return self._failed_jobs.find(blob, account, kinds=ALL_KINDS)

    def _decode(
        self, parsed: ParsedInput, channel_id: str | None, job: Job | None
    ) -> DecodeResult | None:
        if parsed.encoded_message is None:
            return None
        if parsed.truncated:
            return None  # explain what the text says; the card says how to get the whole message
        first = job.account_id if job else parsed.account_id
        order = [first] if first and self._config.account(first) else []
        order += [a.id for a in self._config.accounts_in_order(channel_id) if a.id not in order]
        if not order:
            raise AccountUnknown(
                "No AWS account is configured, so I cannot decode this message.",
                "Add your accounts to backup-doctor.yaml (see deploy/backup-doctor.example.yaml).",
            )
        return self._decoder.decode(parsed.encoded_message, order)

    def _account_list(self) -> str:
        return ", ".join(a.label for a in self._config.accounts) or "none"


def parse(text: str, account_id: str | None = None, region: str | None = None) -> ParsedInput:
    """The user's text as input, with explicit account/region choices winning over its hints.

    Raises ``InputUnusable`` (saying what the bot accepts) for text it cannot use.
    """
    parsed = parse_input(text)
    if isinstance(parsed, Rejection):
        raise InputUnusable(parsed.message)
    overrides: dict[str, object] = {}
    if account_id:
        overrides.update(account_id=account_id, account_hint=True)
    if region:
        overrides.update(region=region, region_hint=True)
    return parsed.model_copy(update=overrides) if overrides else parsed


def _with_status_message(parsed: ParsedInput, job: Job) -> ParsedInput:
    """Read the job's StatusMessage like a pasted error, so a failed restore yields its blob."""
    found = parse_input(job.status_message) if job.status_message else None
    if found is None or isinstance(found, Rejection):
        return parsed.model_copy(update={"account_id": job.account_id, "region": job.region})
    return parsed.model_copy(
        update={
            "encoded_message": found.encoded_message,
            "truncated": found.truncated,
            "sentence": found.sentence,
            "status_text": found.status_text or job.status_message,
            "decoded": found.decoded,
            "decoded_partial": found.decoded_partial,
            "account_id": job.account_id,
            "region": job.region,
        }
    )
