"""The Kubernetes manifests: what the web, worker and events pods need, and nothing more."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from bot.config import BotConfig, Settings
from tests.deploy.conftest import EXAMPLE_OVERLAY, K8S, find
from tests.deploy.kustomize import Manifest, render

WEB = "backup-doctor-web"
WORKER = "backup-doctor-worker"
EVENTS = "backup-doctor-events"
CONFIG_DIR = "/etc/backup-doctor"
#: variables the deployment may set besides Settings fields
EXTRA_ENV = {"WORKER_METRICS_PORT", "PROMETHEUS_MULTIPROC_DIR"}


def pod_spec(manifests: list[Manifest], name: str) -> dict[str, Any]:
    return dict(find(manifests, "Deployment", name)["spec"]["template"]["spec"])


def container(manifests: list[Manifest], name: str) -> dict[str, Any]:
    (only,) = pod_spec(manifests, name)["containers"]
    return dict(only)


def env(manifests: list[Manifest], name: str) -> dict[str, Any]:
    return {
        e["name"]: e.get("value", e.get("valueFrom")) for e in container(manifests, name)["env"]
    }


def without_hashes(manifests: list[Manifest]) -> list[Manifest]:
    """kubectl's rendering with generated-name hash suffixes removed."""
    text = yaml.safe_dump_all(manifests, sort_keys=True)
    text = re.sub(r"(backup-doctor-config)-[a-z0-9]{10}\b", r"\1", text)
    return [doc for doc in yaml.safe_load_all(text) if doc]


def canonical(manifests: list[Manifest]) -> list[str]:
    return sorted(yaml.safe_dump(m, sort_keys=True) for m in manifests)


def test_the_python_rendering_matches_kubectl(
    manifests: list[Manifest], kubectl_manifests: list[Manifest]
) -> None:
    assert canonical(manifests) == canonical(without_hashes(kubectl_manifests))


def test_the_base_renders_on_its_own() -> None:
    kinds = sorted(m["kind"] for m in render(K8S / "base"))
    assert kinds == sorted(
        ["Namespace", "ConfigMap", "Service", "HorizontalPodAutoscaler"]
        + 2 * ["ServiceAccount", "PodDisruptionBudget"]
        + 3 * ["Deployment", "NetworkPolicy"]
    )


@pytest.mark.parametrize(("name", "mode"), [(WEB, "web"), (WORKER, "worker"), (EVENTS, "events")])
def test_one_image_runs_each_procfile_process(
    manifests: list[Manifest], name: str, mode: str
) -> None:
    spec = container(manifests, name)
    assert spec["args"] == [mode]
    assert "command" not in spec  # the image's ENTRYPOINT is `python -m bot`
    assert spec["image"] == container(manifests, WEB)["image"]
    assert "@sha256:" in spec["image"]


@pytest.mark.parametrize("name", [WEB, WORKER, EVENTS])
def test_pods_run_unprivileged_on_a_read_only_root(manifests: list[Manifest], name: str) -> None:
    pod = pod_spec(manifests, name)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container(manifests, name)["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}


@pytest.mark.parametrize("name", [WEB, WORKER, EVENTS])
def test_pods_request_and_limit_cpu_and_memory(manifests: list[Manifest], name: str) -> None:
    resources = container(manifests, name)["resources"]
    for kind in ("requests", "limits"):
        assert set(resources[kind]) == {"cpu", "memory"}


def test_web_probes_readiness_on_redis_and_liveness_on_the_process(
    manifests: list[Manifest],
) -> None:
    web = container(manifests, WEB)
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    (port,) = web["ports"]
    assert port == {"name": "http", "containerPort": int(env(manifests, WEB)["PORT"])}


def test_web_scales_on_cpu_from_two_replicas_and_keeps_one_through_drains(
    manifests: list[Manifest],
) -> None:
    hpa = find(manifests, "HorizontalPodAutoscaler", WEB)
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": WEB,
    }
    assert hpa["spec"]["minReplicas"] >= 2
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert find(manifests, "Deployment", WEB)["spec"]["replicas"] >= 2
    pdb = find(manifests, "PodDisruptionBudget", WEB)
    assert pdb["spec"]["minAvailable"] == 1
    pod_labels = find(manifests, "Deployment", WEB)["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = find(manifests, "Service", WEB)
    assert service["spec"]["selector"].items() <= pod_labels.items()


def test_the_worker_outlives_its_shutdown_delay(manifests: list[Manifest]) -> None:
    grace = pod_spec(manifests, WORKER)["terminationGracePeriodSeconds"]
    delay = int(env(manifests, WORKER)["WORKER_SHUTDOWN_SECONDS"])
    assert delay == Settings.model_fields["worker_shutdown_seconds"].default
    assert grace >= delay + 30  # the hand-back and its Slack post after the delay
    probe = container(manifests, WORKER)["livenessProbe"]["httpGet"]
    assert probe["port"] == "metrics"
    assert container(manifests, WORKER)["ports"] == [
        {"name": "metrics", "containerPort": int(env(manifests, WORKER)["WORKER_METRICS_PORT"])}
    ]


@pytest.mark.parametrize("name", [WEB, WORKER, EVENTS])
def test_every_variable_is_one_the_bot_reads(manifests: list[Manifest], name: str) -> None:
    known = {field.upper() for field in Settings.model_fields} | EXTRA_ENV
    for variable in env(manifests, name):
        assert variable in known or variable.startswith("AWS_"), variable


@pytest.mark.parametrize("name", [WEB, WORKER, EVENTS])
def test_credentials_come_from_the_secret(manifests: list[Manifest], name: str) -> None:
    variables = env(manifests, name)
    for secret in ("SLACK_BOT_TOKEN", "REDIS_URL"):
        assert variables[secret] == {"secretKeyRef": {"name": "backup-doctor", "key": secret}}
    assert "SLACK_APP_TOKEN" not in variables  # HTTP mode in production, never Socket Mode


def test_only_the_web_holds_the_signing_secret(manifests: list[Manifest]) -> None:
    assert "SLACK_SIGNING_SECRET" in env(manifests, WEB)
    assert "SLACK_SIGNING_SECRET" not in env(manifests, WORKER)
    assert "SLACK_SIGNING_SECRET" not in env(manifests, EVENTS)


def test_the_example_secret_holds_placeholders_for_bot_variables() -> None:
    secret = yaml.safe_load((EXAMPLE_OVERLAY / "secret.example.yaml").read_text(encoding="utf-8"))
    known = {field.upper() for field in Settings.model_fields}
    assert set(secret["stringData"]) <= known
    assert all("REPLACE-ME" in value for value in secret["stringData"].values())
    assert secret["stringData"]["REDIS_URL"].startswith("rediss://")


@pytest.mark.parametrize("name", [WEB, WORKER, EVENTS])
def test_the_accounts_yaml_is_mounted_where_config_file_points(
    manifests: list[Manifest], name: str
) -> None:
    variables = env(manifests, name)
    assert variables["CONFIG_FILE"] == f"{CONFIG_DIR}/backup-doctor.yaml"
    mounts = {m["name"]: m for m in container(manifests, name)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(manifests, name)["volumes"]}
    assert mounts["config"]["mountPath"] == CONFIG_DIR
    assert mounts["config"]["readOnly"] is True
    config_map = find(manifests, "ConfigMap", volumes["config"]["configMap"]["name"])
    assert "backup-doctor.yaml" in config_map["data"]


@pytest.mark.parametrize("name", [WEB, WORKER])
def test_the_metrics_directory_is_a_writable_volume(manifests: list[Manifest], name: str) -> None:
    mounts = {m["mountPath"]: m["name"] for m in container(manifests, name)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(manifests, name)["volumes"]}
    directory = env(manifests, name)["PROMETHEUS_MULTIPROC_DIR"]
    assert "emptyDir" in volumes[mounts[directory]]
    assert "emptyDir" in volumes[mounts["/tmp"]]


@pytest.mark.parametrize("directory", [K8S / "base", EXAMPLE_OVERLAY])
def test_the_shipped_accounts_yaml_is_valid(directory: Any) -> None:
    raw = yaml.safe_load((directory / "backup-doctor.yaml").read_text(encoding="utf-8"))
    config = BotConfig.model_validate(raw)
    assert config.accounts


def test_each_process_has_its_own_irsa_service_account(manifests: list[Manifest]) -> None:
    for name, role in ((WEB, "web"), (WORKER, "worker")):
        account = pod_spec(manifests, name)["serviceAccountName"]
        annotations = find(manifests, "ServiceAccount", account)["metadata"]["annotations"]
        assert re.fullmatch(
            rf"arn:aws:iam::\d{{12}}:role/[\w+=,.@/-]*{role}",
            annotations["eks.amazonaws.com/role-arn"],
        )


def test_the_events_process_has_the_hub_worker_identity(manifests: list[Manifest]) -> None:
    # it reads jobs through the spoke read roles and polls the hub queue: the worker role may both
    assert pod_spec(manifests, EVENTS)["serviceAccountName"] == WORKER
    assert pod_spec(manifests, EVENTS)["automountServiceAccountToken"] is False


def test_one_events_pod_polls_the_queue_and_serves_its_metrics(manifests: list[Manifest]) -> None:
    deployment = find(manifests, "Deployment", EVENTS)
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"  # Redis dedupes the overlap
    events = container(manifests, EVENTS)
    port = int(env(manifests, EVENTS)["EVENTS_METRICS_PORT"])
    assert port == Settings.model_fields["events_metrics_port"].default
    assert events["ports"] == [{"name": "metrics", "containerPort": port}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert events[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert events["resources"]["requests"]["memory"] == "128Mi"
    assert events["resources"]["limits"]["memory"] == "192Mi"


def test_the_events_queue_url_is_an_optional_secret_key(manifests: list[Manifest]) -> None:
    assert env(manifests, EVENTS)["EVENTS_QUEUE_URL"] == {
        "secretKeyRef": {"name": "backup-doctor", "key": "EVENTS_QUEUE_URL", "optional": True}
    }
    for name in (WEB, WORKER):
        assert "EVENTS_QUEUE_URL" not in env(manifests, name)


@pytest.mark.parametrize(
    ("name", "port"), [(WORKER, "WORKER_METRICS_PORT"), (EVENTS, "EVENTS_METRICS_PORT")]
)
def test_only_the_metrics_port_reaches_the_background_pods(
    manifests: list[Manifest], name: str, port: str
) -> None:
    policy = find(manifests, "NetworkPolicy", name)
    pod_labels = find(manifests, "Deployment", name)["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    assert rule == {"ports": [{"protocol": "TCP", "port": int(env(manifests, name)[port])}]}


def test_only_slack_events_are_public(manifests: list[Manifest]) -> None:
    ingress = find(manifests, "Ingress", WEB)
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert [(p["path"], p["pathType"]) for p in paths] == [("/slack/events", "Exact")]
