"""One free-text string in, what it holds out: the entry point of input recognition."""

from __future__ import annotations

import re

from bot.inputs import rejection
from bot.inputs.authorization_id import find_authorization_id
from bot.inputs.blob import BlobFind, find_blob
from bot.inputs.decoded_json import find_decoded
from bot.inputs.hints import extract_hints
from bot.inputs.job_ids import find_job
from bot.inputs.location import locate
from bot.inputs.normalize import looks_binary, normalize_text
from bot.inputs.producer import find_producer
from bot.inputs.sentence import find_sentence
from bot.inputs.sizes import MAX_INPUT_CHARS
from bot.inputs.status import find_status
from bot.models import InputKind, JobRef, ParsedInput, Rejection, SentenceDenial

_ERROR_SIGNAL = re.compile(
    r"(?i)not\s++authorized\s++to\s++perform|UnauthorizedOperation|AccessDenied|Access\s++Denied"
    r"|status\s*+code:?\s*+403|\(403\)\s++when\s++calling|encoded\s++authorization"
    r"|authorization-details/|GetRequestAuthorizationDetails"
    # not every "not authorized" is an IAM denial: credentials and Regions fail alike
    r"|ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|OptInRequired"
    r"|security\s++token\s++included\s++in\s++the\s++request\s++is\s++(?:expired|invalid)"
)


def parse_input(text: str) -> ParsedInput | Rejection:
    """Recognise what a pasted text holds; never raises.

    Returns a ``ParsedInput`` (its ``kind`` says what was found first: a decoded message, an
    encoded message or whole error, a job ARN or id, a Backup status) or a ``Rejection`` saying
    what the bot accepts.
    """
    if len(text) > MAX_INPUT_CHARS:
        return rejection.too_long(len(text))
    if looks_binary(text):
        return rejection.binary()
    hints = extract_hints(normalize_text(text))
    if not hints.text.strip():
        return rejection.empty()
    parsed = _recognise(hints.text)
    if parsed is None:
        return rejection.unrecognised()
    return locate(parsed, hints, hints.text)


def _recognise(text: str) -> ParsedInput | None:
    decoded = find_decoded(text)
    blob = find_blob(text)
    sentence = find_sentence(text)
    status = find_status(text)
    in_error = bool(blob or sentence or _ERROR_SIGNAL.search(text))
    job = find_job(text, in_error=in_error)
    kind = _kind(text, decoded is not None, blob, sentence, job, status is not None)
    if kind is None:
        return None
    if sentence is None and status is not None and status.resource:
        sentence = SentenceDenial(resource=status.resource)
    producer = find_producer(text)
    authorization = find_authorization_id(text)
    return ParsedInput(
        kind=kind,
        encoded_message=blob.encoded if blob else None,
        truncated=blob.truncated if blob else False,
        decoded=decoded.message if decoded else None,
        decoded_partial=decoded.partial if decoded else False,
        sentence=sentence,
        job=job,
        status_text=status.text if status and not (blob and blob.encoded) else None,
        producer=producer.name,
        called_api=producer.called_api,
        error_code=producer.error_code,
        authorization_id=authorization.id if authorization else None,
        authorization_region=authorization.region if authorization else None,
    )


def _kind(
    text: str,
    decoded: bool,
    blob: BlobFind | None,
    sentence: SentenceDenial | None,
    job: JobRef | None,
    status: bool,
) -> InputKind | None:
    if decoded:
        return "decoded_message"
    if blob is not None or sentence is not None:
        return "error_text" if sentence or not _blob_alone(text, blob) else "encoded_message"
    if job is not None:
        return "job_arn" if job.arn else "job_id"
    if status:
        return "status_text"
    return "error_text" if _ERROR_SIGNAL.search(text) else None


def _blob_alone(text: str, blob: BlobFind | None) -> bool:
    """A blob with nothing of an error around it (its label, a command, prose) is the message."""
    if blob is None or blob.bare:
        return True
    rest = text[: blob.start] + text[blob.end :]
    return _ERROR_SIGNAL.search(rest) is None
