"""Runbook runs, their steps and approvals, and the health-watch state.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "runbook_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _STR(length=200), nullable=False),
        sa.Column("base_key", _STR(length=200), nullable=False),
        sa.Column("runbook", _STR(length=120), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("state", _STR(length=24), nullable=False),
        sa.Column("requested_by", _STR(length=120), nullable=False),
        sa.Column("source_ref", _STR(length=120), nullable=True),
        sa.Column("channel", _STR(length=80), nullable=False),
        sa.Column("incident_id", _STR(length=40), nullable=True),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("next_at", _TIME(), nullable=True),
        sa.Column("claimed_by", _STR(length=80), nullable=True),
        sa.Column("claimed_until", _TIME(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.Column("finished_at", _TIME(), nullable=True),
        sa.Column("finished_by", _STR(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_runbook_run_due", "runbook_run", ["state", "next_at"])
    op.create_index("ix_runbook_run_base_key", "runbook_run", ["base_key"])
    op.create_index("ix_runbook_run_runbook", "runbook_run", ["runbook"])
    op.create_table(
        "runbook_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("name", _STR(length=200), nullable=False),
        sa.Column("kind", _STR(length=24), nullable=False),
        sa.Column("state", _STR(length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", _STR(length=200), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("started_at", _TIME(), nullable=True),
        sa.Column("finished_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runbook_run.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ux_runbook_step", "runbook_step", ["run_id", "index"], unique=True)
    op.create_table(
        "runbook_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("gate", sa.Integer(), nullable=False),
        sa.Column("state", _STR(length=16), nullable=False),
        sa.Column("requested_by", _STR(length=120), nullable=False),
        sa.Column("requested_at", _TIME(), nullable=False),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.Column("decided_by", _STR(length=120), nullable=True),
        sa.Column("decided_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runbook_run.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_runbook_approval_run_id", "runbook_approval", ["run_id"])
    op.create_index("ux_runbook_approval_gate", "runbook_approval", ["run_id", "gate"], unique=True)
    op.create_table(
        "watch_state",
        sa.Column("name", _STR(length=160), nullable=False),
        sa.Column("state", _STR(length=16), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("triggered_episode", sa.Integer(), nullable=False),
        sa.Column("next_check_at", _TIME(), nullable=False),
        sa.Column("claimed_by", _STR(length=80), nullable=True),
        sa.Column("claimed_until", _TIME(), nullable=True),
        sa.Column("last_checked_at", _TIME(), nullable=True),
        sa.Column("last_ok_at", _TIME(), nullable=True),
        sa.Column("changed_at", _TIME(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_latency_ms", sa.Float(), nullable=True),
        sa.Column("last_error", _STR(length=500), nullable=True),
        sa.Column("last_body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("watch_state")
    op.drop_index("ux_runbook_approval_gate", table_name="runbook_approval")
    op.drop_index("ix_runbook_approval_run_id", table_name="runbook_approval")
    op.drop_table("runbook_approval")
    op.drop_index("ux_runbook_step", table_name="runbook_step")
    op.drop_table("runbook_step")
    op.drop_index("ix_runbook_run_runbook", table_name="runbook_run")
    op.drop_index("ix_runbook_run_base_key", table_name="runbook_run")
    op.drop_index("ix_runbook_run_due", table_name="runbook_run")
    op.drop_table("runbook_run")
