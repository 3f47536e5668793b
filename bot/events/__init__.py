"""Proactive diagnosis: AWS Backup job failures from EventBridge, through SQS, into Slack.

``backup_event`` reads and classifies an event (pure); ``ledger`` keeps each event's card exactly
once and groups bursts (Redis); ``notifier`` turns a failure into a card in the account's
``notify_channel``; ``consumer`` long-polls the queue and deletes a message only once it is done.
"""
