"""Each incident's time to acknowledge and to resolve, kept beside the timestamps, so the
report sums them and reads their medians in index order instead of computing them per row
(the all-time report read and sorted every incident of a severity twice).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_BEFORE = ["severity", "created_at", "status", "acknowledged_at", "resolved_at"]
REPORT_AFTER = ["severity", "created_at", "status", "ack_seconds", "resolve_seconds"]


def _seconds(later: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"EXTRACT(EPOCH FROM {later} - created_at)"
    return f"(julianday({later}) - julianday(created_at)) * 86400.0"


def upgrade() -> None:
    op.add_column("incident", sa.Column("ack_seconds", sa.Float(), nullable=True))
    op.add_column("incident", sa.Column("resolve_seconds", sa.Float(), nullable=True))
    op.execute(
        f"UPDATE incident SET ack_seconds = {_seconds('acknowledged_at')}"
        " WHERE acknowledged_at IS NOT NULL"
    )
    op.execute(
        f"UPDATE incident SET resolve_seconds = {_seconds('resolved_at')}"
        " WHERE resolved_at IS NOT NULL"
    )
    op.drop_index("ix_incident_report", table_name="incident")
    op.create_index("ix_incident_report", "incident", REPORT_AFTER)
    op.create_index("ix_incident_ack_seconds", "incident", ["severity", "ack_seconds"])
    op.create_index("ix_incident_resolve_seconds", "incident", ["severity", "resolve_seconds"])


def downgrade() -> None:
    op.drop_index("ix_incident_resolve_seconds", table_name="incident")
    op.drop_index("ix_incident_ack_seconds", table_name="incident")
    op.drop_index("ix_incident_report", table_name="incident")
    op.create_index("ix_incident_report", "incident", REPORT_BEFORE)
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("resolve_seconds")
        batch.drop_column("ack_seconds")
