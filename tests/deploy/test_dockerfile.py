"""The container image, checked by reading deploy/Dockerfile (no Docker engine needed)."""

from __future__ import annotations

import json
import re

import pytest

from tests.deploy.conftest import DEPLOY, ROOT

Instruction = tuple[str, str]


def instructions() -> list[Instruction]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        if pending.strip():
            logical.append(pending.strip())
        pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def final_stage() -> list[Instruction]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def arguments(keyword: str, steps: list[Instruction] | None = None) -> list[str]:
    return [args for key, args in (steps or instructions()) if key == keyword]


def test_every_stage_uses_the_pinned_slim_python_base() -> None:
    bases = arguments("FROM")
    assert len(bases) >= 2, "multi-stage: build tools stay out of the runtime image"
    for base in bases:
        image = base.split()[0]
        assert re.fullmatch(r"python:3\.11-slim-bookworm(@sha256:[0-9a-f]{64})?", image), image


def test_the_runtime_runs_as_a_numeric_non_root_user() -> None:
    (user,) = arguments("USER", final_stage())
    uid = user.split(":")[0]
    assert uid.isdigit()
    assert int(uid) == 10001


def test_dependencies_come_from_the_lock() -> None:
    runs = " ".join(arguments("RUN"))
    assert "--constraint requirements.lock" in runs
    assert "pip check" in runs
    assert any("requirements.lock" in copy for copy in arguments("COPY"))


def test_copied_sources_exist() -> None:
    for copy in arguments("COPY"):
        if copy.startswith("--from"):
            continue
        for source in copy.split()[:-1]:
            assert (ROOT / source).exists(), source


def test_a_healthcheck_needs_no_curl() -> None:
    (healthcheck,) = arguments("HEALTHCHECK", final_stage())
    command = json.loads(healthcheck.split("CMD", 1)[1])
    assert command == ["python", "-m", "bot.observability.healthcheck"]


def test_the_default_process_is_web_and_worker_is_one_argument_away() -> None:
    (entrypoint,) = arguments("ENTRYPOINT", final_stage())
    (cmd,) = arguments("CMD", final_stage())
    assert json.loads(entrypoint) == ["python", "-m", "bot"]
    assert json.loads(cmd) == ["web"]


@pytest.mark.parametrize("keyword", ["ENV", "ARG", "LABEL"])
def test_no_credentials_are_baked_in(keyword: str) -> None:
    for args in arguments(keyword):
        assert not re.search(r"(?i)(token|secret|password|passw|api_?key|redis_url)", args), args
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert not re.search(r"xox[a-z]-|AKIA[0-9A-Z]{16}", text)


def test_the_image_paths_match_the_kubernetes_mounts() -> None:
    env = " ".join(arguments("ENV", final_stage()))
    assert "CONFIG_FILE=/etc/backup-doctor/backup-doctor.yaml" in env
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus" in env


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    for entry in (".git", ".venv", ".venv-tools", ".data", ".env", "backup-doctor.yaml", "tests"):
        assert entry in ignored, entry
    assert "**/__pycache__" in ignored
