"""Logs, metrics and traces of the runtime (issue 19's layout)."""
