"""Renders this repository's kustomizations in Python, for machines without kubectl.

Only the features deploy/k8s uses: ``resources`` (files and directories), ``namespace``,
``labels`` (with ``includeSelectors``), ``configMapGenerator`` (files, ``behavior: replace``),
``images`` (newName/newTag/digest) and ``patches`` holding JSON 6902 ``add``/``replace`` ops with a
kind/name target. Generated ConfigMaps keep their plain names (kubectl adds a content hash).
Anything else raises, so a new feature in the manifests cannot be silently ignored.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]
SUPPORTED = {
    "apiVersion",
    "kind",
    "namespace",
    "labels",
    "resources",
    "configMapGenerator",
    "images",
    "patches",
}


def render(directory: Path) -> list[Manifest]:
    """The manifests ``kubectl kustomize directory`` would print (modulo generated-name hashes)."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise NotImplementedError(f"{directory}: kustomize features not supported: {unknown}")
    manifests: list[Manifest] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        if path.is_dir():
            manifests.extend(render(path))
        else:
            docs = yaml.safe_load_all(path.read_text(encoding="utf-8"))
            manifests.extend(doc for doc in docs if doc)
    for generator in spec.get("configMapGenerator", []):
        _generate_config_map(manifests, directory, generator)
    for label_set in spec.get("labels", []):
        for manifest in manifests:
            _add_labels(manifest, label_set["pairs"], label_set.get("includeSelectors", False))
    if "namespace" in spec:
        for manifest in manifests:
            if manifest["kind"] != "Namespace":
                manifest["metadata"]["namespace"] = spec["namespace"]
    for image in spec.get("images", []):
        for container in _containers(manifests):
            _set_image(container, image)
    for patch in spec.get("patches", []):
        _apply_patch(manifests, patch)
    return manifests


def _generate_config_map(manifests: list[Manifest], directory: Path, generator: Manifest) -> None:
    data = {
        Path(name).name: (directory / name).read_text(encoding="utf-8")
        for name in generator["files"]
    }
    config_map: Manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": generator["name"]},
        "data": data,
    }
    if generator.get("behavior", "create") == "replace":
        (old,) = [
            m
            for m in manifests
            if m["kind"] == "ConfigMap" and m["metadata"]["name"] == generator["name"]
        ]
        if "labels" in old["metadata"]:  # replace keeps the base's metadata
            config_map["metadata"]["labels"] = dict(old["metadata"]["labels"])
        manifests.remove(old)
    manifests.append(config_map)


def _add_labels(manifest: Manifest, pairs: dict[str, str], selectors: bool) -> None:
    manifest["metadata"].setdefault("labels", {}).update(pairs)
    spec = manifest.get("spec", {})
    if "template" in spec:
        spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(pairs)
    if not selectors:
        return
    if manifest["kind"] in ("Deployment", "PodDisruptionBudget"):
        spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(pairs)
        pod = spec.get("template", {}).get("spec", {})
        for constraint in pod.get("topologySpreadConstraints", []):
            constraint["labelSelector"].setdefault("matchLabels", {}).update(pairs)
    elif manifest["kind"] == "Service":
        spec.setdefault("selector", {}).update(pairs)
    elif manifest["kind"] == "NetworkPolicy":
        spec.setdefault("podSelector", {}).setdefault("matchLabels", {}).update(pairs)


def _containers(manifests: list[Manifest]) -> list[Manifest]:
    return [
        container
        for manifest in manifests
        if manifest["kind"] == "Deployment"
        for container in manifest["spec"]["template"]["spec"]["containers"]
    ]


def _set_image(container: Manifest, image: Manifest) -> None:
    name = container["image"].split("@")[0].split(":")[0]
    if name != image["name"]:
        return
    new = image.get("newName", name)
    if "digest" in image:
        container["image"] = f"{new}@{image['digest']}"
    elif "newTag" in image:
        container["image"] = f"{new}:{image['newTag']}"
    else:
        container["image"] = new


def _apply_patch(manifests: list[Manifest], patch: Manifest) -> None:
    target = patch["target"]
    ops = yaml.safe_load(patch["patch"])
    for manifest in manifests:
        if manifest["kind"] == target["kind"] and manifest["metadata"]["name"] == target["name"]:
            for op in ops:
                _json_patch(manifest, op)


def _json_patch(document: Manifest, op: Manifest) -> None:
    if op["op"] not in ("add", "replace"):
        raise NotImplementedError(f"JSON patch op {op['op']}")
    *parents, last = [
        part.replace("~1", "/").replace("~0", "~") for part in op["path"].lstrip("/").split("/")
    ]
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if op["op"] == "replace" and last not in node:
        raise KeyError(f"replace of missing {op['path']}")
    node[last] = copy.deepcopy(op["value"])
