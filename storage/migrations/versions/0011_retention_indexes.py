"""Indexes for retention (the oldest resolved alert groups, closed incidents and delivered
outbox rows, found without reading the rest of the history) and for the outbox backlog
gauges (the owed rows alone, with or without SQLite statistics).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in storage/models.py at this revision (a migration never imports the models).
OWED = "state IN ('pending', 'sending')"
PARTIAL = {
    "ix_alert_group_resolved": ("alert_group", ["resolved_at"], "resolved_at IS NOT NULL"),
    "ix_incident_closed": ("incident", ["closed_at"], "closed_at IS NOT NULL"),
    "ix_outbox_owed_due": ("outbox_message", ["next_attempt_at"], OWED),
    "ix_outbox_owed_since": ("outbox_message", ["created_at"], OWED),
}


def upgrade() -> None:
    for name, (table, columns, where) in PARTIAL.items():
        condition = sa.text(where)
        op.create_index(name, table, columns, sqlite_where=condition, postgresql_where=condition)
    op.create_index("ix_outbox_delivered", "outbox_message", ["state", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_delivered", table_name="outbox_message")
    for name, (table, _columns, _where) in PARTIAL.items():
        op.drop_index(name, table_name=table)
