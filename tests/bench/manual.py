"""The manual path: ``aws sts decode-authorization-message`` piped into ``jq``, per decode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.bench.env import ACCOUNTS, BenchEnv, decoded_message, new_blob


@dataclass
class ManualResult:
    times: list[float]
    formatter: str


def run(env: BenchEnv, count: int) -> ManualResult:
    """Time ``count`` manual decodes of fresh blobs (stand-in latency as currently set)."""
    assert env.aws is not None
    aws = str(Path(sys.executable).parent / "aws")
    jq = shutil.which("jq")
    formatter = "jq ." if jq else f"{sys.executable} -m json.tool"
    script = (
        f'{aws} sts decode-authorization-message --encoded-message "$BLOB" '
        f"--query DecodedMessage --output text | {formatter}"
    )
    times: list[float] = []
    for _ in range(count):
        blob = new_blob()
        # the CLI runs as moto's default account with the fake keys: any caller may decode this
        env.aws.admin.register_blob(blob, decoded_message(ACCOUNTS[0]), account=None)
        env_vars = dict(os.environ, BLOB=blob)
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", script],
            env=env_vars,
            capture_output=True,
            timeout=60,
            check=False,
        )
        elapsed = time.monotonic() - started
        if done.returncode != 0 or b"iam:PassRole" not in done.stdout:
            raise RuntimeError(f"manual decode failed: {done.stderr.decode()[-500:]}")
        times.append(elapsed)
    return ManualResult(times, formatter if jq else f"{formatter} (jq not found)")
