"""Slack: a package per feature (listeners and their Block Kit views), the pieces they
share, and `listeners.register_all`, the one place that lists every listener module."""
