"""On-call: overrides, reminder state, handoffs, and the on-call person of each incident.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("oncall_user", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )

    op.create_table(
        "oncall_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("group_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("start_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("replaces", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oncall_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oncall_override_group_id"), ["group_id"])
        batch_op.create_index(batch_op.f("ix_oncall_override_start_at"), ["start_at"])
        batch_op.create_index(batch_op.f("ix_oncall_override_end_at"), ["end_at"])

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("next_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject_kind", "subject_id", "kind", name="uq_reminder_subject"),
    )

    op.create_table(
        "oncall_handoff",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("handoff_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outgoing", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("incoming", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("posted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("oncall_handoff")
    op.drop_table("reminder")
    with op.batch_alter_table("oncall_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_override_end_at"))
        batch_op.drop_index(batch_op.f("ix_oncall_override_start_at"))
        batch_op.drop_index(batch_op.f("ix_oncall_override_group_id"))
    op.drop_table("oncall_override")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("oncall_user")
