"""SLO state: last status per SLO, daily snapshots, digest runs and their charts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slo_state",
        sa.Column("slo_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("remaining", sa.Float(), nullable=True),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("evaluated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slo_key"),
    )
    op.create_table(
        "slo_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slo_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("remaining", sa.Float(), nullable=True),
        sa.Column("sli", sa.Float(), nullable=True),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slo_key", "day", name="uq_slo_snapshot_day"),
    )
    op.create_index(op.f("ix_slo_snapshot_day"), "slo_snapshot", ["day"], unique=False)
    op.create_table(
        "digest_run",
        sa.Column("slot", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("slot"),
    )
    op.create_table(
        "slo_chart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("slo_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_slo_chart_slot"), "slo_chart", ["slot"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_slo_chart_slot"), table_name="slo_chart")
    op.drop_table("slo_chart")
    op.drop_table("digest_run")
    op.drop_index(op.f("ix_slo_snapshot_day"), table_name="slo_snapshot")
    op.drop_table("slo_snapshot")
    op.drop_table("slo_state")
