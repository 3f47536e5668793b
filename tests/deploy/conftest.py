"""Fixtures for the deployment tests: the repository's paths, templates and rendered manifests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.decode import decode  # type: ignore[import-untyped]

from tests.deploy.kustomize import Manifest, render

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CLOUDFORMATION = DEPLOY / "cloudformation"
K8S = DEPLOY / "k8s"
EXAMPLE_OVERLAY = K8S / "overlays" / "example"
TOOLS_BIN = ROOT / ".venv-tools" / "bin"


def load_template(name: str) -> dict[str, Any]:
    """A CloudFormation template with its short-form tags (!Sub, !Ref...) as Fn:: mappings."""
    template, problems = decode(str(CLOUDFORMATION / name))
    assert not problems, problems
    assert template is not None
    return dict(template)


@pytest.fixture(scope="session")
def spoke_template() -> dict[str, Any]:
    return load_template("spoke-roles.yaml")


@pytest.fixture(scope="session")
def hub_template() -> dict[str, Any]:
    return load_template("hub-role.yaml")


@pytest.fixture(scope="session")
def events_rule_template() -> dict[str, Any]:
    return load_template("backup-events-rule.yaml")


@pytest.fixture(scope="session")
def events_queue_template() -> dict[str, Any]:
    return load_template("events-queue.yaml")


@pytest.fixture(scope="session")
def manifests() -> list[Manifest]:
    """The example overlay rendered by the Python loader (always available)."""
    return render(EXAMPLE_OVERLAY)


@pytest.fixture(scope="session")
def kubectl_manifests() -> list[Manifest]:
    """The example overlay rendered by ``kubectl kustomize`` (skipped where kubectl is missing)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH; the Python rendering is still checked")
    result = subprocess.run(
        [kubectl, "kustomize", str(EXAMPLE_OVERLAY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def find(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    """The one manifest of this kind and name."""
    matches = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def checkov_binary() -> Path:
    """checkov from .venv-tools; a missing install fails with what to do, never skips."""
    checkov = TOOLS_BIN / "checkov"
    if not checkov.exists():
        pytest.fail(
            f"{checkov} is missing: run `make test` (it installs .venv-tools from "
            "requirements-tools.lock through deploy/tools.mk), or `make tools`"
        )
    return checkov


@pytest.fixture(scope="session")
def iam_definition() -> dict[str, list[str]]:
    """``service:Action`` -> its resource types, from parliament's copy of AWS's reference."""
    import json

    import parliament

    path = Path(parliament.__file__).parent / "iam_definition.json"
    services = json.loads(path.read_text(encoding="utf-8"))
    return {
        f"{service['prefix']}:{privilege['privilege']}": [
            r["resource_type"] for r in privilege["resource_types"] if r["resource_type"]
        ]
        for service in services
        for privilege in service["privileges"]
    }
