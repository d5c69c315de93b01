"""Delivery: the outbox's messages rendered from current state and sent to Slack, in order, once."""
