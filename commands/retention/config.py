"""`retention:` in sre-bot.yml: how many days each kind of history is kept (0: forever)."""

from datetime import datetime, timedelta

from pydantic import Field

from commands.validation import Strict


class RetentionConfig(Strict):
    # Strict integers: YAML's `true` is no number of days (it would have meant 1).
    # Resolved alert groups, with their alerts, counted from their resolution.
    resolved_alerts_days: int = Field(default=90, ge=0, le=36500, strict=True)
    # Outbox rows Slack has accepted (or that a newer edit made unnecessary).
    delivered_messages_days: int = Field(default=14, ge=0, le=36500, strict=True)
    # Closed incidents and their timelines, counted from closing; kept forever by default.
    # One that still owes its postmortem is kept until the postmortem is recorded.
    closed_incidents_days: int = Field(default=0, ge=0, le=36500, strict=True)
    # Rows deleted per transaction: a write lock is held for one batch at a time.
    batch_size: int = Field(default=500, ge=1, le=10000, strict=True)

    def cutoffs(self, now: datetime) -> dict[str, datetime | None]:
        """The instant before which each kind goes (None: kept forever)."""

        def before(days: int) -> datetime | None:
            return now - timedelta(days=days) if days else None

        return {
            "groups_before": before(self.resolved_alerts_days),
            "incidents_before": before(self.closed_incidents_days),
            "messages_before": before(self.delivered_messages_days),
        }
