"""The AWS stand-in's test-only admin API under ``/_standin/``, and an HTTP client for it.

Each endpoint calls the Python API method of the same meaning with the JSON body as keyword
arguments, so what a test can do in-process it can do against a stand-in running as a subprocess:

=========  ==========================  ====================================================
method     path                        Python API
=========  ==========================  ====================================================
GET        /_standin/health            (``{"ok": true, "moto_url": ...}``)
POST       /_standin/decode            ``register_blob(blob, decoded, account=None)``
POST       /_standin/restore-jobs      ``seed_restore_job(recovery_point_arn, ...)``
GET        /_standin/restore-jobs      ``restore_jobs()``
POST       /_standin/backup-jobs       ``seed_backup_job(job, account=None, region=None)``
POST       /_standin/copy-jobs         ``seed_copy_job(job, account=None, region=None)``
POST       /_standin/recovery-points   ``seed_recovery_point(vault, arn, metadata, ...)``
POST       /_standin/restore-outcomes  ``script_restore_outcome(status, ...)``
POST       /_standin/authorizations    ``seed_authorization(authorization_id, details, ...)``
POST       /_standin/trail-events      ``seed_trail_event(event, account=None, region=None)``
POST       /_standin/restore-timing    ``set_restore_timing(pending_seconds, running_seconds)``
POST       /_standin/faults            ``inject_fault(operation="*", kind="throttle", count=1)``
DELETE     /_standin/faults            ``clear_faults()``
POST       /_standin/latency           ``set_latency(seconds, operation="*")``
GET        /_standin/calls             ``calls()``
DELETE     /_standin/calls             ``reset_calls()``
POST       /_standin/reset             ``reset()``
=========  ==========================  ====================================================

A bad request answers 400 with ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests
from werkzeug.wrappers import Request, Response

from tests.support.aws_standin_wire import ResponseInvalid

ADMIN_PREFIX = "/_standin/"
"""Paths under this prefix are the admin API, never AWS."""

Route = Callable[[dict[str, Any]], Any]


class AdminApi:
    """Routes admin requests to the Python API of ``target`` (a ``StandinApp``)."""

    def __init__(self, target: Any) -> None:
        t = target
        self._routes: dict[tuple[str, str], Route] = {
            ("GET", "health"): lambda _: {"ok": True, "moto_url": t.moto_url},
            ("POST", "decode"): lambda b: t.register_blob(**b),
            ("POST", "restore-jobs"): lambda b: {"RestoreJobId": t.seed_restore_job(**b)},
            ("GET", "restore-jobs"): lambda _: {"RestoreJobs": t.restore_jobs()},
            ("POST", "backup-jobs"): lambda b: {"BackupJobId": t.seed_backup_job(**b)},
            ("POST", "copy-jobs"): lambda b: {"CopyJobId": t.seed_copy_job(**b)},
            ("POST", "recovery-points"): lambda b: t.seed_recovery_point(**b),
            ("POST", "restore-outcomes"): lambda b: t.script_restore_outcome(**b),
            ("POST", "authorizations"): lambda b: t.seed_authorization(**b),
            ("POST", "trail-events"): lambda b: t.seed_trail_event(**b),
            ("POST", "restore-timing"): lambda b: t.set_restore_timing(**b),
            ("POST", "faults"): lambda b: t.inject_fault(**b),
            ("DELETE", "faults"): lambda _: t.clear_faults(),
            ("POST", "latency"): lambda b: t.set_latency(**b),
            ("GET", "calls"): lambda _: {"calls": t.calls()},
            ("DELETE", "calls"): lambda _: t.reset_calls(),
            ("POST", "reset"): lambda _: t.reset(),
        }

    def dispatch(self, request: Request) -> Response:
        """Answer one admin request."""
        name = request.path[len(ADMIN_PREFIX) :].strip("/")
        route = self._routes.get((request.method, name))
        if route is None:
            return _json({"error": f"no admin endpoint {request.method} {request.path}"}, 404)
        try:
            body = json.loads(request.get_data() or b"{}")
            if not isinstance(body, dict):
                raise TypeError("the body must be a JSON object")
            result = route(body)
        except (ValueError, TypeError, KeyError, ResponseInvalid) as error:
            return _json({"error": f"{type(error).__name__}: {error}"}, 400)
        return _json(result if result is not None else {"ok": True}, 200)


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class AdminError(Exception):
    """The stand-in refused an admin request."""


class StandinAdminClient:
    """The stand-in's Python API over HTTP, for a stand-in running in another process."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = timeout
        self._http = requests.Session()

    def _send(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}, default=_jsonable)
        answer = self._http.request(
            method, f"{self.url}{ADMIN_PREFIX}{name}", data=data, timeout=self._timeout
        )
        if answer.status_code != 200:
            raise AdminError(f"{method} {name}: {answer.status_code} {answer.text}")
        return answer.json()

    def health(self) -> dict[str, Any]:
        """``{"ok": true, "moto_url": ...}`` when the stand-in is up."""
        return dict(self._send("GET", "health"))

    def register_blob(
        self, blob: str, decoded: dict[str, Any] | str, account: str | None = None
    ) -> None:
        """Make ``blob`` decode to ``decoded`` (only for callers in ``account``, if given)."""
        self._send("POST", "decode", {"blob": blob, "decoded": decoded, "account": account})

    def seed_restore_job(self, recovery_point_arn: str, **fields: Any) -> str:
        """Add a restore job (same arguments as the in-process API). Returns its id."""
        body = {"recovery_point_arn": recovery_point_arn, **fields}
        return str(self._send("POST", "restore-jobs", body)["RestoreJobId"])

    def restore_jobs(self) -> list[dict[str, Any]]:
        """Every restore job, seeded or started (timestamps as epoch seconds)."""
        return list(self._send("GET", "restore-jobs")["RestoreJobs"])

    def seed_backup_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a backup job given as DescribeBackupJob fields. Returns its id."""
        body = {"job": job, "account": account, "region": region}
        return str(self._send("POST", "backup-jobs", body)["BackupJobId"])

    def seed_copy_job(
        self, job: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> str:
        """Add a copy job given as the CopyJob fields of DescribeCopyJob. Returns its id."""
        body = {"job": job, "account": account, "region": region}
        return str(self._send("POST", "copy-jobs", body)["CopyJobId"])

    def seed_recovery_point(
        self, vault: str, arn: str, metadata: dict[str, str], **where: Any
    ) -> None:
        """Add a recovery point and its restore metadata."""
        self._send(
            "POST", "recovery-points", {"vault": vault, "arn": arn, "metadata": metadata, **where}
        )

    def seed_authorization(
        self,
        authorization_id: str,
        details: dict[str, Any],
        account: str | None = None,
        region: str | None = None,
        delay_seconds: float = 0.0,
    ) -> None:
        """Make GetRequestAuthorizationDetails answer ``details`` for ``authorization_id``."""
        body = {"authorization_id": authorization_id, "details": details, "account": account,
                "region": region, "delay_seconds": delay_seconds}  # fmt: skip
        self._send("POST", "authorizations", body)

    def seed_trail_event(
        self, event: dict[str, Any], account: str | None = None, region: str | None = None
    ) -> None:
        """Add a CloudTrail record that LookupEvents finds."""
        self._send("POST", "trail-events", {"event": event, "account": account, "region": region})

    def script_restore_outcome(
        self,
        status: str,
        status_message: str | None = None,
        recovery_point_arn: str = "*",
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` started restores of a recovery point end in ``status``."""
        body = {"status": status, "status_message": status_message,
                "recovery_point_arn": recovery_point_arn, "times": times}  # fmt: skip
        self._send("POST", "restore-outcomes", body)

    def set_restore_timing(self, pending_seconds: float, running_seconds: float) -> None:
        """How long restores started from now on stay PENDING, then RUNNING."""
        body = {"pending_seconds": pending_seconds, "running_seconds": running_seconds}
        self._send("POST", "restore-timing", body)

    def inject_fault(
        self, operation: str = "*", kind: str = "throttle", count: int | None = 1
    ) -> None:
        """Fail the next ``count`` calls of ``operation`` (``None``: all) with ``kind``."""
        self._send("POST", "faults", {"operation": operation, "kind": kind, "count": count})

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._send("DELETE", "faults")

    def set_latency(self, seconds: float, operation: str = "*") -> None:
        """Add ``seconds`` of latency to every call of ``operation`` (0 removes it)."""
        self._send("POST", "latency", {"seconds": seconds, "operation": operation})

    def calls(self) -> dict[str, int]:
        """Calls received per ``service:Operation``."""
        return dict(self._send("GET", "calls")["calls"])

    def reset_calls(self) -> None:
        """Zero the call counters."""
        self._send("DELETE", "calls")

    def reset(self) -> None:
        """Forget all seeded data, started restores, faults, latencies and counters."""
        self._send("POST", "reset")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
