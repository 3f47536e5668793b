"""The design's one-way dependencies, checked on the source (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

#: package -> top-level modules it must never import
FORBIDDEN = {
    "bot/diagnosis": {"slack_sdk", "slack_bolt", "boto3", "botocore", "redis", "rq", "handlers"},
    "bot/inputs": {"slack_sdk", "slack_bolt", "boto3", "botocore", "redis", "rq", "handlers"},
    "bot/blocks": {"slack_bolt", "boto3", "botocore", "redis", "rq", "handlers"},
    "bot/aws": {"slack_sdk", "slack_bolt", "handlers"},
    "bot/fixes": {"slack_sdk", "slack_bolt", "handlers"},
    "bot/state": {"slack_sdk", "slack_bolt", "boto3", "handlers"},
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_pure_and_boundary_packages_keep_their_dependencies(package: str) -> None:
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[0] in FORBIDDEN[package]
    }
    assert not offending


def test_only_the_composition_root_imports_the_handlers() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if any(name.split(".")[0] == "handlers" for name in imports_of(path))
    }
    assert importers == {"bot/app.py"}


def test_no_fix_id_is_spelled_out_outside_the_fix_catalogue() -> None:
    """Flow code asks the catalogue entry; only bot/fixes/ (and the remedy catalogue and rules of
    bot/diagnosis/, whose remedy ids name them) may spell a fix id."""
    from bot.fixes import fix_ids

    offending = {
        f"{path.relative_to(ROOT)}: {fix_id}"
        for package in ("bot", "handlers")
        for path in (ROOT / package).rglob("*.py")
        if not path.is_relative_to(ROOT / "bot" / "fixes")
        and not path.is_relative_to(ROOT / "bot" / "diagnosis")
        for fix_id in fix_ids()
        if fix_id in path.read_text()
    }
    assert not offending


def test_the_request_state_and_the_audit_do_not_depend_on_fix_logic() -> None:
    paths = [*(ROOT / "bot" / "state").rglob("*.py"), ROOT / "bot" / "audit.py"]
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in paths
        for name in imports_of(path)
        if name == "bot.fixes" or name.startswith("bot.fixes.")
    }
    assert not offending


def test_the_fix_table_lists_every_fix_with_its_tier() -> None:
    from bot.fixes import fix_for, fix_ids

    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = {
        cells[1].strip("` "): cells[2].strip("` ")
        for line in text.splitlines()
        if line.strip().startswith("| `")
        and (cells := line.strip().split("|"))
        and cells[1].strip("` ") in fix_ids()
    }
    assert rows == {fix_id: fix_for(fix_id).tier for fix_id in fix_ids()}
