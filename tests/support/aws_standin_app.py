"""The AWS stand-in's WSGI application: answers what moto lacks, forwards the rest to moto.

A request is identified by its SigV4 credential scope (access key, Region, service), then by the
query ``Action`` (STS, IAM) or the model's ``requestUri`` route (AWS Backup). It is counted, delayed
and possibly failed by the :class:`~tests.support.aws_standin_faults.FaultPlan`, then answered by a
local handler (``sts:DecodeAuthorizationMessage``, ``iam:SimulatePrincipalPolicy``, the Backup job
operations) or forwarded unchanged to moto.

The caller's account is the one moto gives its access key: keys from a moto ``AssumeRole`` belong to
the role's account, anything else to moto's default account ``123456789012``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import requests
from botocore.validate import ParamValidator
from werkzeug.wrappers import Request, Response

from tests.support.aws_standin_admin import ADMIN_PREFIX, AdminApi
from tests.support.aws_standin_backup import BackupService
from tests.support.aws_standin_faults import FaultPlan, fault_error
from tests.support.aws_standin_iam import MotoIam, simulate_principal_policy
from tests.support.aws_standin_lookups import Lookups
from tests.support.aws_standin_state import StandinState
from tests.support.aws_standin_sts import DecodeRegistry
from tests.support.aws_standin_wire import (
    AwsError,
    Call,
    WireResponse,
    error_response,
    known_service,
    parse_query_input,
    parse_rest_input,
    route_rest_request,
    service_model,
)

log = logging.getLogger(__name__)

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "content-length", "content-encoding", "host", "server", "date",
}  # fmt: skip

Handler = Callable[[Call], WireResponse]


@dataclass
class Incoming:
    """What the stand-in works out about a request before answering it."""

    service: str
    operation: str
    region: str
    access_key: str | None
    protocol: str
    body: bytes

    @property
    def qualified(self) -> str:
        """``service:Operation``, the name counters and faults use."""
        return f"{self.service}:{self.operation}"


def identify(request: Request, body: bytes) -> Incoming:
    """Service, operation, Region and access key of an AWS request."""
    authorization = request.headers.get("Authorization", "")
    if not authorization and "X-Amz-Credential" in request.args:  # a presigned URL
        authorization = "Credential=" + request.args["X-Amz-Credential"]
    scope = _SCOPE.search(authorization)
    access_key, region, service = scope.groups() if scope else (None, "us-east-1", "unknown")
    form = _form(request, body)
    if (
        service == "iam"
        and "Action" not in form
        and route_rest_request("iam-toolbox", request.method, request.path)
    ):
        service = "iam-toolbox"  # IAM Access Troubleshooter signs as "iam" but speaks rest-json
    protocol = _protocol(service, form)
    if protocol == "query":
        operation = form.get("Action", "Unknown")
    elif protocol == "json":  # X-Amz-Target: CloudTrail_20131101.LookupEvents
        operation = request.headers.get("X-Amz-Target", "Unknown").rsplit(".", 1)[-1]
    else:
        route = route_rest_request(service, request.method, request.path)
        operation = route[0] if route else f"{request.method} {request.path}"
    return Incoming(service, operation, region, access_key, protocol, body)


def _form(request: Request, body: bytes) -> dict[str, str]:
    form = dict(request.args.items())
    if "x-www-form-urlencoded" in request.headers.get("Content-Type", ""):
        form.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return form


def _protocol(service: str, form: dict[str, str]) -> str:
    if known_service(service):
        return str(service_model(service).metadata["protocol"])
    return "query" if "Action" in form else "rest-json"


class MotoProxy:
    """Forwards requests to moto unchanged: method, path, query, headers and body."""

    def __init__(self, moto_url: str) -> None:
        self._url = moto_url.rstrip("/")
        self._local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        session: requests.Session = self._local.session
        return session

    def forward(self, request: Request, body: bytes) -> WireResponse:
        """moto's answer to ``request``."""
        raw_uri = request.environ.get("RAW_URI") or request.full_path
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        answer = self._session().request(
            request.method, self._url + raw_uri, data=body, headers=headers,
            allow_redirects=False, timeout=60,
        )  # fmt: skip
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
        return WireResponse(answer.status_code, answer.content, kept)


class StandinApp:
    """The stand-in as a WSGI app, with the Python API tests use to seed and steer it."""

    def __init__(self, moto_url: str, state_path: Path | None = None) -> None:
        self.moto_url = moto_url.rstrip("/")
        self.state = StandinState(state_path)
        self.faults = FaultPlan()
        self.iam = MotoIam(self.moto_url)
        self.decoder = DecodeRegistry(self.state)
        self.backup = BackupService(self.state, self.iam, self.decoder)
        self.lookups = Lookups(self.state)
        self._proxy = MotoProxy(self.moto_url)
        self._handlers: dict[tuple[str, str], Handler] = {
            ("sts", "DecodeAuthorizationMessage"): self.decoder.decode,
            ("iam", "SimulatePrincipalPolicy"): partial(simulate_principal_policy, iam=self.iam),
            **{("backup", name): handler for name, handler in self.backup.handlers.items()},
            **self.lookups.handlers,
        }
        self._admin = AdminApi(self)

    @property
    def local_operations(self) -> list[str]:
        """The ``service:Operation`` names the stand-in answers itself (the rest go to moto)."""
        return sorted(f"{service}:{operation}" for service, operation in self._handlers)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(ADMIN_PREFIX):
            response = self._admin.dispatch(request)
        else:
            wire = self.answer(request)
            response = Response(wire.body, status=wire.status, headers=wire.headers)
        return response(environ, start_response)

    def answer(self, request: Request) -> WireResponse:
        """The response to one AWS request (after counting, latency and faults)."""
        incoming = identify(request, request.get_data())
        latency, fault = self.faults.record_call(incoming.qualified)
        if latency:
            time.sleep(latency)
        if fault is not None:
            return error_response(
                incoming.service, fault_error(fault, incoming.protocol), incoming.protocol
            )
        handler = self._handlers.get((incoming.service, incoming.operation))
        if handler is None:
            return self._proxy.forward(request, incoming.body)
        return self._handle(handler, request, incoming)

    def _handle(self, handler: Handler, request: Request, incoming: Incoming) -> WireResponse:
        try:
            call = self._call(request, incoming)
            return handler(call)
        except AwsError as error:
            return error_response(incoming.service, error)
        except Exception as error:
            log.exception("stand-in failed on %s", incoming.qualified)
            failure = AwsError("InternalFailure", f"stand-in bug: {error!r}", 500, False)
            return error_response(incoming.service, failure)

    def _call(self, request: Request, incoming: Incoming) -> Call:
        op = service_model(incoming.service).operation_model(incoming.operation)
        if incoming.protocol == "query":
            params = parse_query_input(op, _form(request, incoming.body))
        elif incoming.protocol == "json":
            params = parse_rest_input(op, {}, {}, incoming.body)
        else:
            _, uri = route_rest_request(incoming.service, request.method, request.path) or ("", {})
            params = parse_rest_input(op, uri, dict(request.args.items()), incoming.body)
        if op.input_shape is not None:
            report = ParamValidator().validate(params, op.input_shape)
            if report.has_errors():
                code = (
                    "ValidationError"
                    if incoming.protocol == "query"
                    else "InvalidParameterValueException"
                )
                raise AwsError(code, report.generate_report())
        key = incoming.access_key
        resolve = partial(self.iam.account_of_access_key, key) if key else _moto_default_account
        return Call(incoming.service, incoming.operation, incoming.region, params, resolve)

    # --- the Python API (the admin endpoints call the same methods) ----------------------------

    def register_blob(
        self, blob: str, decoded: dict[str, Any] | str, account: str | None = None
    ) -> None:
        """Make ``blob`` decode to ``decoded`` (only for callers in ``account``, if given)."""
        self.decoder.register(blob, decoded, account)

    def seed_restore_job(self, recovery_point_arn: str, **fields: Any) -> str:
        """Add a restore job; see :meth:`BackupService.seed_restore_job`. Returns its id."""
        return self.backup.seed_restore_job(recovery_point_arn, **fields)

    def seed_backup_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a backup job given as DescribeBackupJob fields. Returns its id."""
        return self.backup.seed_backup_job(job, account, region)

    def seed_copy_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a copy job given as the CopyJob fields of DescribeCopyJob. Returns its id."""
        return self.backup.seed_copy_job(job, account, region)

    def seed_recovery_point(
        self, vault: str, arn: str, metadata: dict[str, str], **where: Any
    ) -> None:
        """Add a recovery point and its restore metadata (``resource_type``, ``account``...)."""
        self.backup.seed_recovery_point(vault, arn, metadata, **where)

    def seed_authorization(
        self,
        authorization_id: str,
        details: dict[str, Any],
        account: str | None = None,
        region: str | None = None,
        delay_seconds: float = 0.0,
    ) -> None:
        """Make GetRequestAuthorizationDetails answer ``details`` for ``authorization_id``."""
        self.lookups.seed_authorization(authorization_id, details, account, region, delay_seconds)

    def seed_trail_event(
        self, event: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> None:
        """Add a CloudTrail record that LookupEvents finds."""
        self.lookups.seed_trail_event(event, account, region)

    def script_restore_outcome(
        self,
        status: str,
        status_message: str | None = None,
        recovery_point_arn: str = "*",
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` started restores of a recovery point end in ``status``."""
        self.backup.script_restore_outcome(status, status_message, recovery_point_arn, times)

    def set_restore_timing(self, pending_seconds: float, running_seconds: float) -> None:
        """How long restores started from now on stay PENDING, then RUNNING."""
        self.backup.set_restore_timing(pending_seconds, running_seconds)

    def restore_jobs(self) -> list[dict[str, Any]]:
        """Every restore job, seeded or started, as DescribeRestoreJob shows it, plus Metadata."""
        return self.backup.restore_jobs()

    def inject_fault(
        self, operation: str = "*", kind: str = "throttle", count: int | None = 1
    ) -> None:
        """Fail the next ``count`` calls of ``operation`` (``None``: all) with ``kind``."""
        self.faults.inject(operation, kind, count)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear_faults()

    def set_latency(self, seconds: float, operation: str = "*") -> None:
        """Add ``seconds`` of latency to every call of ``operation`` (0 removes it)."""
        self.faults.set_latency(seconds, operation)

    def calls(self) -> dict[str, int]:
        """Calls received per ``service:Operation``."""
        return self.faults.calls()

    def reset_calls(self) -> None:
        """Zero the call counters."""
        self.faults.reset_calls()

    def reset(self) -> None:
        """Forget all seeded data, started restores, faults, latencies and counters."""
        self.state.clear()
        self.faults.reset()


def _moto_default_account() -> str:
    """Unsigned requests act in moto's default account, as moto itself does."""
    return "123456789012"
