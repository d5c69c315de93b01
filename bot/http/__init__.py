"""HTTP routes beside the Slack listeners: the Slack events endpoint and the alert webhooks."""
