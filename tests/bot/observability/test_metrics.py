"""Prometheus exposition of both processes, including values recorded in forked children."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.observability import metrics
from bot.observability.metrics import record_aws_call, render_metrics
from bot.worker.queues import fix_queue

SERIES = (
    "backup_doctor_commands_total",
    "backup_doctor_decodes_total",
    "backup_doctor_decode_seconds_bucket",
    "backup_doctor_aws_calls_total",
    "backup_doctor_aws_errors_total",
    "backup_doctor_approvals_total",
    "backup_doctor_fixes_total",
    "backup_doctor_queue_depth",
)


def sample(body: str, name: str, **labels: str) -> float:
    """The value of the one sample ``name{labels}`` in a text exposition (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    key = f"{name}{{{wanted}}}" if labels else name
    for line in body.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        if _normalise(series) == key:
            return float(value)
    return 0.0


def _normalise(series: str) -> str:
    if "{" not in series:
        return series
    name, _, rest = series.partition("{")
    return f"{name}{{{','.join(sorted(rest.rstrip('}').split(',')))}}}"


def test_exposition_has_every_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    metrics.COMMANDS.labels(entry="slash_command").inc()
    metrics.DECODES.labels(outcome="decoded").inc()
    metrics.DECODE_SECONDS.observe(0.2)
    metrics.APPROVALS.labels(decision="approved").inc()
    metrics.FIXES.labels(fix="ADD_PASS_ROLE", outcome="succeeded").inc()
    record_aws_call("backup", "DescribeRestoreJob", "AccessDeniedException")

    body, content_type = render_metrics(queue_depth=lambda: 4)

    text = body.decode()
    assert content_type.startswith("text/plain; version=")
    for name in SERIES:
        assert f"\n{name}" in text, name
    assert sample(text, "backup_doctor_queue_depth") == 4.0


def test_an_aws_call_counts_once_and_its_error_by_code() -> None:
    before = render_metrics()[0].decode()
    record_aws_call("sts", "DecodeAuthorizationMessage", None)
    record_aws_call("sts", "DecodeAuthorizationMessage", "InvalidAuthorizationMessageException")
    after = render_metrics()[0].decode()

    labels = {"service": "sts", "operation": "DecodeAuthorizationMessage"}
    calls = "backup_doctor_aws_calls_total"
    errors = "backup_doctor_aws_errors_total"
    code = {"code": "InvalidAuthorizationMessageException"}
    assert sample(after, calls, **labels) - sample(before, calls, **labels) == 2
    assert sample(after, errors, **labels, **code) - sample(before, errors, **labels, **code) == 1


def test_a_failing_queue_depth_callback_leaves_the_rest_of_the_scrape(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def redis_down() -> int:
        raise ConnectionError("redis is down")

    body, _ = render_metrics(queue_depth=redis_down)

    assert b"backup_doctor_queue_depth" not in body
    assert b"# TYPE backup_doctor_decode_seconds histogram" in body
    assert "queue depth" in caplog.text


MULTIPROCESS_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from bot.observability import metrics

    metrics.reset_multiprocess_dir()
    metrics.COMMANDS.labels(entry="slash_command").inc()
    pid = os.fork()
    if pid == 0:  # like an rq work horse: record, then exit without any cleanup
        metrics.FIXES.labels(fix="ADD_PASS_ROLE", outcome="succeeded").inc()
        metrics.record_aws_call("iam", "PutRolePolicy", None)
        os._exit(0)
    os.waitpid(pid, 0)
    body, _ = metrics.render_metrics(queue_depth=lambda: 1)
    sys.stdout.write(body.decode())
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="rq's fork-per-job model needs os.fork")
def test_multiprocess_mode_keeps_what_a_forked_job_recorded(tmp_path: Path) -> None:
    stale = tmp_path / "counter_999999.db"
    stale.write_bytes(b"left by an earlier container")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    body = result.stdout
    assert not stale.exists()
    assert sample(body, "backup_doctor_commands_total", entry="slash_command") == 1
    assert sample(body, "backup_doctor_fixes_total", fix="ADD_PASS_ROLE", outcome="succeeded") == 1
    labels = {"service": "iam", "operation": "PutRolePolicy"}
    assert sample(body, "backup_doctor_aws_calls_total", **labels) == 1
    assert sample(body, "backup_doctor_queue_depth") == 1


WORKER_SERVER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from bot.observability import metrics

    metrics.FIXES.labels(fix="RERUN_RESTORE", outcome="failed").inc()
    metrics.start_worker_metrics_server(int(sys.argv[1]), queue_depth=lambda: 7)
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_the_worker_metrics_server_serves_the_series(unused_port: int) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", WORKER_SERVER_SCRIPT, str(unused_port)],
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            url = f"http://127.0.0.1:{unused_port}/metrics"
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read().decode()
        finally:
            process.terminate()
    assert sample(body, "backup_doctor_fixes_total", fix="RERUN_RESTORE", outcome="failed") == 1
    assert sample(body, "backup_doctor_queue_depth") == 7


def test_worker_metrics_port_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKER_METRICS_PORT", "9200")
    assert metrics.worker_metrics_port() == 9200
    monkeypatch.delenv("WORKER_METRICS_PORT")
    assert metrics.worker_metrics_port() == metrics.DEFAULT_WORKER_METRICS_PORT


@dataclass
class FakeServices:
    """The two attributes ``exposition`` reads from ``bot.app.Services``."""

    redis: redis.Redis
    prefix: str


def test_the_web_exposition_reports_the_fix_queue_depth_from_redis(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    queue = fix_queue(redis_client, redis_prefix)
    for _ in range(3):
        queue.enqueue("os.getpid")

    body, _ = metrics.exposition(FakeServices(redis=redis_client, prefix=redis_prefix))

    assert sample(body.decode(), "backup_doctor_queue_depth") == 3
