"""Logs and metrics for the web and worker processes (see deploy/README.md, "Metrics and logs")."""
