"""deploy/tools.mk installs checkov into .venv-tools from the frozen lock, only when it changes."""

from __future__ import annotations

import re

from tests.deploy.conftest import ROOT


def test_the_tools_lock_pins_checkov_and_everything_it_needs() -> None:
    lines = [
        line
        for line in (ROOT / "requirements-tools.lock").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert "checkov==3.3.30" in lines
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.+-]+", line) for line in lines), lines
    assert len(lines) > 50


def test_the_stamp_is_rebuilt_from_the_lock() -> None:
    text = (ROOT / "deploy" / "tools.mk").read_text(encoding="utf-8")
    assert "$(TOOLS_STAMP): requirements-tools.lock" in text
    assert re.search(r"^tools: \$\(TOOLS_STAMP\)$", text, re.MULTILINE)
    assert "-r requirements-tools.lock" in text
