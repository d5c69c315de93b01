"""HTTP routes that are not Slack's own listeners: the Slack events endpoint and the alert webhooks."""
