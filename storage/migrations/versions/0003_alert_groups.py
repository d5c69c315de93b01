"""Alert groups and their alerts: one Slack thread per Alertmanager or Grafana group.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _time() -> sqlmodel.sql.sqltypes.UTCDateTime:
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "alert_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", _string(16), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("group_key_hash", _string(64), nullable=False),
        sa.Column("receiver", _string(200), nullable=False),
        sa.Column("status", _string(16), nullable=False),
        sa.Column("group_labels", sa.JSON(), nullable=False),
        sa.Column("common_labels", sa.JSON(), nullable=False),
        sa.Column("common_annotations", sa.JSON(), nullable=False),
        sa.Column("external_url", _string(2000), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("channel", _string(80), nullable=False),
        sa.Column("severity", _string(8), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("declare_incident", _string(8), nullable=True),
        sa.Column("first_seen_at", _time(), nullable=False),
        sa.Column("last_seen_at", _time(), nullable=False),
        sa.Column("started_at", _time(), nullable=False),
        sa.Column("resolved_at", _time(), nullable=True),
        sa.Column("acknowledged_by", _string(120), nullable=True),
        sa.Column("acknowledged_at", _time(), nullable=True),
        sa.Column("incident_id", _string(40), nullable=True),
        sa.Column("silence_id", _string(80), nullable=True),
        sa.Column("silenced_by", _string(120), nullable=True),
        sa.Column("silenced_until", _time(), nullable=True),
        sa.Column("updated_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "group_key_hash", name="uq_alert_group_key"),
    )
    op.create_index("ix_alert_group_status", "alert_group", ["status", "severity"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", _string(64), nullable=False),
        sa.Column("status", _string(16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("starts_at", _time(), nullable=False),
        sa.Column("ends_at", _time(), nullable=True),
        sa.Column("generator_url", _string(2000), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["alert_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "fingerprint", name="uq_alert_fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("alert")
    op.drop_index("ix_alert_group_status", table_name="alert_group")
    op.drop_table("alert_group")
