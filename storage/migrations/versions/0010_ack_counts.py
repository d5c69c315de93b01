"""MTTA counters kept at each acknowledgement (`incident_ack_count`), so /metrics reads a
few rows instead of every incident; the acknowledgements made so far are counted here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# commands.incidents.stats.ACK_BUCKETS and storage.models.ACK_FOREVER at this revision.
BUCKETS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)
FOREVER = 2**31 - 1


def upgrade() -> None:
    op.create_table(
        "incident_ack_count",
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("le_seconds", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("seconds_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("severity", "le_seconds"),
    )
    if op.get_bind().dialect.name == "postgresql":
        seconds = "EXTRACT(EPOCH FROM acknowledged_at - created_at)"
    else:
        seconds = "round((julianday(acknowledged_at) - julianday(created_at)) * 86400.0, 3)"
    bucket = " ".join(f"WHEN {seconds} <= {b} THEN {b}" for b in BUCKETS)
    le = f"CASE {bucket} ELSE {FOREVER} END"
    op.execute(
        "INSERT INTO incident_ack_count (severity, le_seconds, count, seconds_sum) "
        f"SELECT severity, {le}, count(*), sum({seconds}) FROM incident "
        f"WHERE acknowledged_at IS NOT NULL GROUP BY severity, {le}"
    )


def downgrade() -> None:
    op.drop_table("incident_ack_count")
