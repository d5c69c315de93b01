"""Alert threads in Slack: their messages, and the Acknowledge, Declare and Silence buttons."""
