"""checkov finds nothing in the IAM templates or the rendered Kubernetes manifests.

checkov lives in .venv-tools (deploy/tools.mk): its pins conflict with requirements.lock. Every
skipped check carries its reason next to the resource (CloudFormation ``Metadata.checkov.skip``
comments, Kubernetes ``checkov.io/skipN: ID=reason`` annotations). ``--skip-download`` keeps the
scan offline (no Prisma Cloud guideline lookups).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import CLOUDFORMATION, checkov_binary, load_template
from tests.deploy.kustomize import Manifest


def run_checkov(directory: Path, framework: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(checkov_binary()),
            "-d",
            str(directory),
            "--framework",
            framework,
            "--quiet",
            "--compact",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_checkov_passes_the_iam_templates() -> None:
    result = run_checkov(CLOUDFORMATION, "cloudformation")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout


def test_checkov_passes_the_rendered_kubernetes_manifests(
    manifests: list[Manifest], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rendered = manifests  # without kubectl, scan the Python rendering
    with contextlib.suppress(pytest.skip.Exception):
        rendered = request.getfixturevalue("kubectl_manifests")
    (tmp_path / "rendered.yaml").write_text(yaml.safe_dump_all(rendered), encoding="utf-8")

    result = run_checkov(tmp_path, "kubernetes")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout


def test_every_cloudformation_skip_says_why() -> None:
    templates = sorted(CLOUDFORMATION.glob("*.yaml"))
    assert len(templates) == 4
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "checkov:skip" not in text, "use Metadata.checkov.skip with a comment"
    skips = [
        skip
        for template in templates
        for resource in load_template(template.name)["Resources"].values()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"])
        assert len(skip["comment"]) > 40


def test_every_kubernetes_skip_says_why(manifests: list[Manifest]) -> None:
    for manifest in manifests:
        for key, value in manifest["metadata"].get("annotations", {}).items():
            if key.startswith("checkov.io/skip"):
                check, _, reason = value.partition("=")
                assert re.fullmatch(r"CKV2?_K8S_\d+", check)
                assert len(reason) > 20
