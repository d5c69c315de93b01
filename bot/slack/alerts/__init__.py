"""Alert threads in Slack: their messages and their buttons (Acknowledge, Declare incident, Silence)."""
