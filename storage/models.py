"""Every table sre-bot keeps. Datetimes are timezone-aware and stored in UTC."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel


class Incident(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    severity: str = Field(max_length=8, index=True)
    status: str = Field(max_length=16, index=True)
    components: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel: str = Field(max_length=80)
    created_at: datetime = Field(index=True)
    created_by: str = Field(max_length=120)
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=120)
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    root_cause: str | None = Field(default=None, sa_column=Column(Text))
    resolution: str | None = Field(default=None, sa_column=Column(Text))
    postmortem_required: bool = False
    postmortem_url: str | None = Field(default=None, max_length=2000)
    updated_at: datetime


class IncidentIdCounter(SQLModel, table=True):
    """How many incidents were declared in one second (`INC-YYYYMMDD-HHMMSS`)."""

    __tablename__ = "incident_id_counter"

    base: str = Field(primary_key=True, max_length=40)
    used: int


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entry"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True, max_length=40)
    at: datetime
    actor: str = Field(max_length=120)
    kind: str = Field(max_length=32)
    # What changed, for rendering in any language: {"from": .., "to": .., "note": ..}.
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A Slack message owed by a committed state change, delivered in order per stream."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "state", "stream", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    stream: str = Field(max_length=120)
    op: str = Field(max_length=16)  # post | reply | update
    ref: str | None = Field(default=None, max_length=120)  # message this post creates/updates
    thread_ref: str | None = Field(default=None, max_length=120)  # parent of a reply
    channel: str | None = Field(default=None, max_length=80)
    template: str = Field(max_length=64)
    args: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    claimed_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime
    sent_at: datetime | None = None
    ts: str | None = Field(default=None, max_length=40)


class SlackMessage(SQLModel, table=True):
    """Where a message the bot posted lives, so replies and updates can find it."""

    __tablename__ = "slack_message"

    ref: str = Field(primary_key=True, max_length=120)
    channel: str = Field(max_length=80)
    ts: str = Field(max_length=40)
    posted_at: datetime


class Lease(SQLModel, table=True):
    """A named lease held in the database, so one replica at a time runs a sweep."""

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=80)
    expires_at: datetime


class SlackEventSeen(SQLModel, table=True):
    """Events API deliveries already handled; Slack retries them, we must not act twice."""

    __tablename__ = "slack_event_seen"

    event_id: str = Field(primary_key=True, max_length=64)
    seen_at: datetime


class RunbookRun(SQLModel, table=True):
    """One run of a runbook: requested, maybe approved, then its steps one after another.

    `key` makes a run start once whatever double clicks, retries or replicas do. A sweep
    claims a runnable run (`claimed_by`/`claimed_until`); a claim that runs out while a step
    is `started` means the process died mid-step."""

    __tablename__ = "runbook_run"
    __table_args__ = (Index("ix_runbook_run_due", "state", "next_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    base_key: str = Field(max_length=200, index=True)
    runbook: str = Field(max_length=120, index=True)
    # The runbook as it was when the run started (raw, before ${ENV} expansion: no secrets).
    spec: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    trigger: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=24)
    requested_by: str = Field(max_length=120)
    source_ref: str | None = Field(default=None, max_length=120)
    channel: str = Field(max_length=80)
    incident_id: str | None = Field(default=None, max_length=40)
    step_index: int = 0
    next_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    finished_by: str | None = Field(default=None, max_length=120)


class RunbookStep(SQLModel, table=True):
    """A step of a run: `started` is written before the step acts, its outcome after."""

    __tablename__ = "runbook_step"
    __table_args__ = (Index("ux_runbook_step", "run_id", "index", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runbook_run.id")
    index: int
    name: str = Field(max_length=200)
    kind: str = Field(max_length=24)
    state: str = Field(max_length=24)  # started | waiting | succeeded | failed | interrupted
    attempts: int = 0
    # The step's idempotency key, e.g. the incident an `incident` step created.
    idempotency_key: str = Field(max_length=200, unique=True)
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime | None = None
    finished_at: datetime | None = None


class RunbookApproval(SQLModel, table=True):
    """One approval request of a run (before it starts, or at an `approval` step)."""

    __tablename__ = "runbook_approval"
    __table_args__ = (Index("ux_runbook_approval_gate", "run_id", "gate", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="runbook_run.id", index=True)
    gate: int  # -1: before the first step; otherwise the index of the `approval` step
    state: str = Field(max_length=16)  # pending | approved | rejected | expired
    requested_by: str = Field(max_length=120)
    requested_at: datetime
    expires_at: datetime
    decided_by: str | None = Field(default=None, max_length=120)
    decided_at: datetime | None = None


class WatchState(SQLModel, table=True):
    """A watched health target or PromQL trigger: the last result and the failure count.

    `episode` counts how often the target went unhealthy; `triggered_episode` records that
    the runbook for an episode was started, so replicas and restarts start it once."""

    __tablename__ = "watch_state"

    name: str = Field(primary_key=True, max_length=160)
    state: str = Field(default="unknown", max_length=16)  # unknown | healthy | unhealthy
    consecutive_failures: int = 0
    episode: int = 0
    triggered_episode: int = 0
    next_check_at: datetime
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = None
    last_checked_at: datetime | None = None
    last_ok_at: datetime | None = None
    changed_at: datetime | None = None
    last_status: int | None = None
    last_latency_ms: float | None = None
    last_error: str | None = Field(default=None, max_length=500)
    last_body: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
