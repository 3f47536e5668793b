"""Slack's Block Kit limits, named once. Builders cut text to these; tests check every card.

Source: https://api.slack.com/reference/block-kit/blocks and .../block-elements (Slack counts
characters).
"""

from __future__ import annotations

from typing import Final

MESSAGE_BLOCKS: Final = 50
VIEW_BLOCKS: Final = 100
SECTION_TEXT: Final = 3000
SECTION_FIELDS: Final = 10
FIELD_TEXT: Final = 2000
HEADER_TEXT: Final = 150
CONTEXT_ELEMENTS: Final = 10
CONTEXT_TEXT: Final = 2000
ACTIONS_ELEMENTS: Final = 25
BUTTON_TEXT: Final = 75
BUTTON_VALUE: Final = 2000
ACTION_ID: Final = 255
URL: Final = 3000
CONFIRM_TITLE: Final = 100
CONFIRM_TEXT: Final = 300
CONFIRM_BUTTON: Final = 30
OPTION_TEXT: Final = 75
OPTION_VALUE: Final = 150
OPTIONS: Final = 100
INPUT_LABEL: Final = 2000
INPUT_HINT: Final = 2000
PLACEHOLDER: Final = 150
PLAIN_TEXT_INPUT: Final = 3000
MODAL_TITLE: Final = 24
MODAL_BUTTON: Final = 24
PRIVATE_METADATA: Final = 3000
#: the plain ``text`` of chat.postMessage: Slack truncates at 40,000, but notifications want short
FALLBACK_TEXT: Final = 300
