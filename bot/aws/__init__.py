"""AWS access (STS, Backup, IAM) behind domain errors; never imports Slack."""
