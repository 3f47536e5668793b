"""Named thresholds of input recognition, each with the reason for its value."""

from __future__ import annotations

MAX_INPUT_CHARS = 65_536
"""Longest text read at all: Slack delivers at most ~40 KB, so anything longer is not one error."""

BINARY_MIN_CONTROL_CHARS = 8
"""Control characters (NUL included) tolerated before a text counts as binary, whatever its size."""

BINARY_CONTROL_RATIO = 0.05
"""Share of control characters above which a text counts as binary rather than a noisy paste."""

MIN_BLOB_CANDIDATE = 16
"""Shortest run after the "Encoded ... message:" label taken as a (cut) blob, not a placeholder."""

MIN_COMPLETE_BLOB = 200
"""Real blobs are ~400-1,100+ characters; a shorter one was cut (half the smallest seen)."""

MAX_BLOB_CHARS = 10_240
"""STS DecodeAuthorizationMessage rejects longer messages, so a longer run cannot be one blob."""

MIN_WRAP_WIDTH = 40
"""Narrowest line a wrapped blob is rejoined from: shorter lines are prose, not a terminal wrap."""

MAX_WRAP_WIDTH = 320
"""Widest terminal or editor wrap considered: a longer line was not wrapped by anything."""

MIN_UNMARKED_LINE = 40
"""Shortest run on one line that may start a blob pasted without its "Encoded ..." label."""

STATUS_TEXT_MAX_CHARS = 2_000
"""Longest status text kept: Backup status messages are one or two sentences."""
