"""Outbox: how often Slack refused a message with an error the bot does not know, and when a
message was set aside as dead.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("dead_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_index("ix_outbox_dead", "outbox_message", ["state", "dead_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_dead", table_name="outbox_message")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("dead_at")
        batch_op.drop_column("refusals")
