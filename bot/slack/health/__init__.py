"""`/health` and the health watch's messages in Slack."""
