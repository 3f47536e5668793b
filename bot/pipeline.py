"""ONE path from pasted text to a Diagnosis, shared by the Slack handlers, the CLI and the worker.

parse -> find the account -> decode (cached) -> read the authorization details (cached) -> look
the job up -> diagnose. Every failure on the way is a ``BackupDoctorError`` that says what to do
next; the optional sources (authorization details, the failed-job search) never fail the answer.
"""

from __future__ import annotations

from bot.arns import is_account_id, is_backup_session
from bot.aws.authorization_details import AuthorizationDetailsReader
from bot.aws.backup_jobs import JobFinder
from bot.aws.decode import Decoder, DecodeResult
from bot.aws.failed_jobs import FailedJobMatcher
from bot.config import BotConfig
from bot.diagnosis import diagnose
from bot.errors import AccountUnknown, InputUnusable
from bot.inputs import parse_input
from bot.models import AuthorizationLookup, Diagnosis, Job, ParsedInput, Rejection


class Pipeline:
    """Turns text into a Diagnosis using the read-only AWS access it is given."""

    def __init__(
        self,
        config: BotConfig,
        decoder: Decoder,
        jobs: JobFinder,
        failed_jobs: FailedJobMatcher | None = None,
        authorization: AuthorizationDetailsReader | None = None,
    ) -> None:
        self._config = config
        self._decoder = decoder
        self._jobs = jobs
        self._failed_jobs = failed_jobs
        self._authorization = authorization

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
        result = self._decode(parsed, channel_id, job)
        decoded = result.decoded if result else None
        if job is None and result is not None:
            job = self._job_of_message(parsed, result)
        account_id = (job.account_id if job else None) or parsed.account_id
        account = self._config.account(account_id)
        return diagnose(
            parsed,
            decoded=decoded,
            job=job,
            account_name=account.name if account else None,
            authorization=self._read_authorization(parsed, channel_id),
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
        candidates = [parsed.account_id, self._config.channel(channel_id).default_account]
        account = next(
            (
                self._config.account(a)
                for a in candidates
                if is_account_id(a) and self._config.account(a) is not None
            ),
            None,
        )
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

    def _job_of_message(self, parsed: ParsedInput, result: DecodeResult) -> Job | None:
        """The failed restore a pasted AWS Backup error came from (so its fixes can re-run it)."""
        account = self._config.account(result.account_id)
        if self._failed_jobs is None or account is None or parsed.encoded_message is None:
            return None
        context = result.decoded.get("context")
        principal = context.get("principal") if isinstance(context, dict) else None
        arn = principal.get("arn") if isinstance(principal, dict) else None
        by_backup = is_backup_session(arn if isinstance(arn, str) else None)
        if not by_backup and parsed.producer != "backup-status":
            return None
        return self._failed_jobs.find(parsed.encoded_message, account)

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
