"""No module of the bot imports, directly or through others, a module that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "handlers")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> set[str]:
    """Every project module imported anywhere (functions too), except under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            found |= {n for child in node.orelse for n in _imports(ast.Module([child], []))}
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= {s for s in subs if s in MODULES} or {node.module}
        found |= _imports(node)
    return {name for name in found if name in MODULES}


GRAPH = {name: _imports(ast.parse(path.read_text("utf-8"))) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in GRAPH[node]:
                groups.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_the_composition_root_importing_the_handlers() -> None:
    assert "handlers" in GRAPH["bot.app"]


def test_there_is_no_import_cycle() -> None:
    assert _cycles() == []


def test_the_read_side_and_the_cli_load_no_slack_sdk() -> None:
    """The terminal's decode path builds the read side without importing Slack's SDK."""
    code = (
        "import sys, bot.cli, bot.wiring; "
        "assert not [m for m in sys.modules if m.startswith(('slack_sdk', 'slack_bolt'))], "
        "sorted(m for m in sys.modules if m.startswith('slack'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_handlers_get_their_services_and_never_import_the_composition_root() -> None:
    importers = sorted(name for name, imported in GRAPH.items() if "bot.app" in imported)
    assert importers == ["bot.__main__", "bot.web"]
