"""Percentiles and the printed table."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of ``values`` (``nan`` when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal (``-`` for nan)."""
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def table(rows: list[tuple[str, str, str, str]]) -> str:
    """A Markdown table of (benchmark, measurement, target, verdict) rows."""
    header = ("Benchmark", "Measured", "Target", "Met")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    return "\n".join([line, rule, *body])
