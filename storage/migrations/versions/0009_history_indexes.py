"""Indexes for the queries that must not grow with history: the incident report per
severity and period, open and unacknowledged incidents, postmortems owed, the firing alert
groups, and the announcements in a channel. The single-column severity index is a prefix
of the report's; the status index goes: without statistics SQLite preferred it to the
partial indexes, and read every closed incident to find the few that owe a postmortem.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in storage/models.py at this revision (a migration never imports the models).
OPEN_INCIDENT = "status IN ('detected', 'acknowledged', 'investigating', 'mitigated')"
PARTIAL = {
    "ix_incident_open": (["created_at", "severity"], OPEN_INCIDENT),
    "ix_incident_unacknowledged": (["created_at"], f"acknowledged_at IS NULL AND {OPEN_INCIDENT}"),
    "ix_incident_postmortem_owed": (
        ["closed_at"],
        "status = 'closed' AND postmortem_required AND postmortem_url IS NULL",
    ),
}


def upgrade() -> None:
    op.drop_index("ix_incident_severity", table_name="incident")
    op.drop_index("ix_incident_status", table_name="incident")
    op.create_index(
        "ix_incident_report",
        "incident",
        ["severity", "created_at", "status", "acknowledged_at", "resolved_at"],
    )
    for name, (columns, where) in PARTIAL.items():
        condition = sa.text(where)
        op.create_index(
            name, "incident", columns, sqlite_where=condition, postgresql_where=condition
        )
    op.create_index("ix_slack_message_channel", "slack_message", ["channel", "posted_at"])
    firing = sa.text("status = 'firing'")
    op.create_index(
        "ix_alert_group_firing",
        "alert_group",
        ["first_seen_at"],
        sqlite_where=firing,
        postgresql_where=firing,
    )


def downgrade() -> None:
    op.drop_index("ix_alert_group_firing", table_name="alert_group")
    op.drop_index("ix_slack_message_channel", table_name="slack_message")
    for name in PARTIAL:
        op.drop_index(name, table_name="incident")
    op.drop_index("ix_incident_report", table_name="incident")
    op.create_index("ix_incident_severity", "incident", ["severity"])
    op.create_index("ix_incident_status", "incident", ["status"])
