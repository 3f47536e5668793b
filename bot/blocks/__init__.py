"""Block Kit builders: pure functions from domain objects to ``slack_sdk.models`` blocks and views.

Nothing here calls Slack or AWS. Every AWS or user-supplied string is escaped
(``bot.blocks.mrkdwn``) and every text is cut visibly to Slack's limits
(``bot.blocks.slack_limits``).
"""

from bot.blocks.approval import approval_card
from bot.blocks.decoded_message import decoded_view
from bot.blocks.diagnosis import diagnosis_card, summary_text
from bot.blocks.error_reply import error_card, rejection_card
from bot.blocks.modal import decode_modal, rerun_modal
from bot.blocks.proactive import burst_job_reply, failure_card, unreadable_failure_card
from bot.blocks.progress import outcome_card, progress_card
from bot.blocks.usage import looking_at_it, usage_blocks

__all__ = [
    "approval_card",
    "burst_job_reply",
    "decode_modal",
    "decoded_view",
    "diagnosis_card",
    "error_card",
    "failure_card",
    "looking_at_it",
    "outcome_card",
    "progress_card",
    "rejection_card",
    "rerun_modal",
    "summary_text",
    "unreadable_failure_card",
    "usage_blocks",
]
