"""The catalogue: complete for every code the rules emit, and rendered safely."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.diagnosis import catalogue as catalogue_module
from bot.diagnosis.catalogue import load_catalogue, render
from bot.fixes import fix_ids

RULES_DIR = Path(catalogue_module.__file__).parent / "rules"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


def codes_in_rule_sources() -> set[str]:
    """Every UPPER_SNAKE string literal passed to ``Hit(...)`` or listed in a rule's code table."""
    found: set[str] = set()
    for path in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
            ):
                found.add(node.value)
    return found


def test_every_code_a_rule_names_is_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    known = set(catalogue.findings) | set(catalogue.remedies)
    assert codes_in_rule_sources() - known == set()


def test_codes_and_remedy_ids_are_upper_snake() -> None:
    catalogue = load_catalogue()
    assert all(CODE.match(code) for code in [*catalogue.findings, *catalogue.remedies])


def test_automatic_remedies_name_a_real_fix() -> None:
    fixes = fix_ids()
    for remedy_id, remedy in load_catalogue().remedies.items():
        assert (remedy.fix in fixes) is remedy.automatic, remedy_id


def test_catalogue_is_loaded_lazily_and_once() -> None:
    load_catalogue.cache_clear()
    assert load_catalogue.cache_info().currsize == 0
    assert load_catalogue() is load_catalogue()


@pytest.mark.parametrize(
    ("template", "details", "expected"),
    [
        (
            "{role} was denied",
            {"role": "arn:aws:iam::1:role/r"},
            "arn:aws:iam::1:role/r was denied",
        ),
        ("{role} was denied", {}, "unknown was denied"),
        ("{role.__class__}", {"role": "x"}, "{role.__class__}"),
        ("{a}", {"a": "{b}", "b": "no"}, "{b}"),
        ('{"StringEquals": 1}', {}, '{"StringEquals": 1}'),
    ],
)
def test_render_fills_plain_names_only(
    template: str, details: dict[str, str], expected: str
) -> None:
    assert render(template, details) == expected
