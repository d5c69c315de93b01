"""Incident IDs come from a per-second counter, so replicas do not race for them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:41:50.444825
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_id_counter",
        sa.Column("base", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("base"),
    )
    # Carry on from the incidents already declared: IDs are INC-YYYYMMDD-HHMMSS[-N].
    op.execute(
        "INSERT INTO incident_id_counter (base, used) "
        "SELECT substr(id, 1, 19), count(*) FROM incident GROUP BY substr(id, 1, 19)"
    )


def downgrade() -> None:
    op.drop_table("incident_id_counter")
