"""Every table sre-bot keeps. Datetimes are timezone-aware and stored in UTC."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
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


class SloState(SQLModel, table=True):
    """The last status of each SLO, so a change (into warning, exhausted, or back to healthy)
    is posted once: the evaluation that moves it claims it with a conditional update."""

    __tablename__ = "slo_state"

    slo_key: str = Field(primary_key=True, max_length=200)  # service/name
    status: str = Field(max_length=16)
    remaining: float | None = None
    changed_at: datetime
    evaluated_at: datetime


class SloSnapshot(SQLModel, table=True):
    """Each SLO's figures as the daily digest saw them, for "change since yesterday"."""

    __tablename__ = "slo_snapshot"
    __table_args__ = (UniqueConstraint("slo_key", "day", name="uq_slo_snapshot_day"),)

    id: int | None = Field(default=None, primary_key=True)
    slo_key: str = Field(max_length=200)
    day: str = Field(max_length=10, index=True)  # YYYY-MM-DD in the team's timezone
    status: str = Field(max_length=16)
    remaining: float | None = None
    sli: float | None = None
    taken_at: datetime


class DigestRun(SQLModel, table=True):
    """One daily digest. The row is the claim: one replica, once, even across restarts."""

    __tablename__ = "digest_run"

    slot: str = Field(primary_key=True, max_length=40)  # the cron time it is for, ISO local
    day: str = Field(max_length=10)
    state: str = Field(max_length=16)  # running | done
    claimed_by: str = Field(max_length=80)
    claimed_until: datetime
    started_at: datetime
    finished_at: datetime | None = None
    # What the digest says, as the message renders it: SLO figures or the Prometheus error.
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SloChart(SQLModel, table=True):
    """A rendered budget chart (PNG) waiting to be uploaded to Slack by the outbox."""

    __tablename__ = "slo_chart"

    id: int | None = Field(default=None, primary_key=True)
    slot: str = Field(max_length=40, index=True)
    slo_key: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    title: str = Field(max_length=250)
    png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
