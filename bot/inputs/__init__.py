"""Input recognition: what a pasted Slack text holds (pure, no I/O).

``parse_input`` never raises: it returns a ``bot.models.ParsedInput`` or a ``Rejection``.
"""

from bot.inputs.parse import parse_input

__all__ = ["parse_input"]
