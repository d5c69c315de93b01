"""Block Kit builders: pure functions from data to Slack payloads, tested without a server."""
