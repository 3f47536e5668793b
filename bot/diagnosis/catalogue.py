"""The catalogue: titles, explanations, severities and remedies for every code, kept as data.

Loaded from ``catalogue.yaml`` (package data) on first use, not at import time, and validated so a
typo in the data fails loudly in tests rather than showing a half-rendered text to users.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from bot.models import Severity

UNKNOWN = "unknown"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class RemedyEntry(BaseModel):
    """A remedy as the catalogue describes it (the rule adds role and policy)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    description: str
    changes_iam: bool
    automatic: bool
    fix: str | None = None
    #: what the "Request fix" confirm dialog says the fix will do (automatic remedies)
    confirm: str | None = None


class FindingEntry(BaseModel):
    """A finding code as the catalogue describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    explanation: str
    severity: Severity
    remedies: list[str]


class Catalogue(BaseModel):
    """Every finding code and remedy id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    findings: dict[str, FindingEntry]
    remedies: dict[str, RemedyEntry]

    @model_validator(mode="after")
    def _remedies_exist(self) -> Catalogue:
        for code, entry in self.findings.items():
            missing = [rid for rid in entry.remedies if rid not in self.remedies]
            if missing:
                raise ValueError(f"{code} names unknown remedies {missing}")
        return self


@functools.cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, read and validated once."""
    text = resources.files("bot.diagnosis").joinpath("catalogue.yaml").read_text("utf-8")
    data: Any = yaml.safe_load(text)
    return Catalogue.model_validate(data)


def render(template: str, details: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders from ``details``; missing ones read "unknown".

    Only plain names are substituted (no attribute or index access as ``str.format`` allows), and
    values are inserted verbatim, never re-interpreted, so AWS data cannot inject placeholders.
    """
    return _PLACEHOLDER.sub(lambda match: details.get(match.group(1)) or UNKNOWN, template)
