"""Alert groups: how many alerts the latest notification carried, and how many more
Alertmanager left out of it (`truncatedAlerts`, its receiver's `max_alerts`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notified_alerts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("truncated_alerts", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_group", schema=None) as batch_op:
        batch_op.drop_column("truncated_alerts")
        batch_op.drop_column("notified_alerts")
