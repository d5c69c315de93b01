"""Every table sre-bot keeps. Datetimes are timezone-aware and stored in UTC.

An integer `id` is typed `int`: it is None only between building a row and inserting it,
and every row storage hands back has one."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# The conditions of the partial indexes below, written the same way in the queries that use
# them: SQLite uses a partial index only where the query repeats its condition literally.
OPEN_INCIDENT = "status IN ('detected', 'acknowledged', 'investigating', 'mitigated')"
UNACKNOWLEDGED_INCIDENT = f"acknowledged_at IS NULL AND {OPEN_INCIDENT}"
POSTMORTEM_OWED = "status = 'closed' AND postmortem_required AND postmortem_url IS NULL"
FIRING_GROUP = "status = 'firing'"
OWED_MESSAGE = "state IN ('pending', 'sending')"


def _partial(name: str, *columns: str, where: str) -> Index:
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


class Incident(SQLModel, table=True):
    # Hot queries read what is open, or a window, never the whole history: the report per
    # severity and period (a covering index), the open and unacknowledged incidents, and
    # the postmortems owed.
    __table_args__ = (
        Index(
            "ix_incident_report",
            "severity",
            "created_at",
            "status",
            "ack_seconds",
            "resolve_seconds",
        ),
        # The all-time medians: the middle of a severity's durations, read in index order.
        Index("ix_incident_ack_seconds", "severity", "ack_seconds"),
        Index("ix_incident_resolve_seconds", "severity", "resolve_seconds"),
        # (severity too: the open counts per severity read the index alone)
        _partial("ix_incident_open", "created_at", "severity", where=OPEN_INCIDENT),
        _partial("ix_incident_unacknowledged", "created_at", where=UNACKNOWLEDGED_INCIDENT),
        _partial("ix_incident_postmortem_owed", "closed_at", where=POSTMORTEM_OWED),
        # Retention: closed before a day. Not `status = 'closed'`: the postmortems owed
        # imply that condition, and without statistics SQLite would read all closed ones.
        _partial("ix_incident_closed", "closed_at", where="closed_at IS NOT NULL"),
    )

    id: str = Field(primary_key=True, max_length=40)
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    severity: str = Field(max_length=8)
    status: str = Field(max_length=16)
    components: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel: str = Field(max_length=80)
    created_at: datetime = Field(index=True)
    created_by: str = Field(max_length=120)
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=120)
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    # From declared to acknowledged and to resolved (MTTA and MTTR), kept beside the times
    # when they are set: the report sums and sorts them without date arithmetic per row.
    ack_seconds: float | None = None
    resolve_seconds: float | None = None
    closed_at: datetime | None = None
    root_cause: str | None = Field(default=None, sa_column=Column(Text))
    resolution: str | None = Field(default=None, sa_column=Column(Text))
    postmortem_required: bool = False
    postmortem_url: str | None = Field(default=None, max_length=2000)
    updated_at: datetime
    # Who was on call when the incident was declared (a Slack user ID), tagged in its
    # announcement and reminded first.
    oncall_user: str | None = Field(default=None, max_length=40)


ACK_FOREVER = 2**31 - 1  # the +Inf bucket of AckCount


class AckCount(SQLModel, table=True):
    """Acknowledgements counted as they happen, per severity and MTTA bucket, so /metrics
    reads a few rows rather than every incident. `le_seconds` is the smallest bucket bound
    the delay fits under (ACK_FOREVER past the last); `seconds_sum` adds up its delays."""

    __tablename__ = "incident_ack_count"

    severity: str = Field(primary_key=True, max_length=8)
    le_seconds: int = Field(primary_key=True)
    count: int = 0
    seconds_sum: float = 0.0


class IncidentIdCounter(SQLModel, table=True):
    """How many incidents were declared in one second (`INC-YYYYMMDD-HHMMSS`)."""

    __tablename__ = "incident_id_counter"

    base: str = Field(primary_key=True, max_length=40)
    used: int


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entry"

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    incident_id: str = Field(foreign_key="incident.id", index=True, max_length=40)
    at: datetime
    actor: str = Field(max_length=120)
    kind: str = Field(max_length=32)
    # What changed, for rendering in any language: {"from": .., "to": .., "note": ..}.
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A Slack message owed by a committed state change, delivered in order per stream."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_pending", "state", "stream", "id"),
        Index("ix_outbox_dead", "state", "dead_at"),
        Index("ix_outbox_delivered", "state", "sent_at"),  # retention
        # The backlog gauges count the few owed rows; with statistics SQLite otherwise
        # judged `state` too coarse and counted every row the outbox ever held.
        _partial("ix_outbox_owed_due", "next_attempt_at", where=OWED_MESSAGE),
        _partial("ix_outbox_owed_since", "created_at", where=OWED_MESSAGE),
    )

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    stream: str = Field(max_length=120)
    op: str = Field(max_length=16)  # post | reply | update | upload
    ref: str | None = Field(default=None, max_length=120)  # message this post creates/updates
    thread_ref: str | None = Field(default=None, max_length=120)  # parent of a reply
    channel: str | None = Field(default=None, max_length=80)
    template: str = Field(max_length=64)
    args: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    # Refusals with an `ok: false` error Slack documents for no method we call: a few, then
    # the message is set aside (a bug of ours or a new Slack rule, not an outage).
    refusals: int = 0
    next_attempt_at: datetime
    claimed_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime
    sent_at: datetime | None = None
    dead_at: datetime | None = None
    ts: str | None = Field(default=None, max_length=40)


class SlackMessage(SQLModel, table=True):
    """Where a message the bot posted lives, so replies and updates can find it."""

    __tablename__ = "slack_message"
    # Which announcements landed in a channel, latest first (`/incident ack` with no ID).
    __table_args__ = (Index("ix_slack_message_channel", "channel", "posted_at"),)

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


class OnCallOverride(SQLModel, table=True):
    """A period in which `user_id` is primary on call instead of the rotation's member: one
    row per cover, two per swap (same `group_id`). Overrides never overlap."""

    __tablename__ = "oncall_override"

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    kind: str = Field(max_length=8)  # swap | cover
    group_id: str = Field(max_length=40, index=True)
    start_at: datetime = Field(index=True)
    end_at: datetime = Field(index=True)
    user_id: str = Field(max_length=40)
    replaces: str | None = Field(default=None, max_length=40)
    created_by: str = Field(max_length=120)
    created_at: datetime


class Reminder(SQLModel, table=True):
    """How far the reminders about one subject (an incident, an alert group) have gone.

    `step` only moves forward, by a conditional UPDATE (`WHERE step = old`) in the same
    transaction that owes the reminder message: whoever moves it sends, everyone else
    sends nothing, in any number of sweeps, threads or replicas, and after a restart."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id", "kind", name="uq_reminder_subject"),
    )

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    subject_kind: str = Field(max_length=16)  # incident | alert
    subject_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # ack | update | postmortem
    step: int = 0
    next_at: datetime | None = None
    last_sent_at: datetime | None = None


class OnCallHandoff(SQLModel, table=True):
    """One row per weekly handoff posted: its primary key is the handoff instant, so the
    handoff message is owed once however many sweeps or replicas reach it."""

    __tablename__ = "oncall_handoff"

    key: str = Field(primary_key=True, max_length=40)  # the handoff instant, ISO 8601 UTC
    handoff_at: datetime
    outgoing: str | None = Field(default=None, max_length=40)
    incoming: str | None = Field(default=None, max_length=40)
    posted_at: datetime


class AlertGroup(SQLModel, table=True):
    """One Alertmanager (or Grafana) alert group: one Slack thread, kept current.

    `group_key_hash` (sha256 of the group key) with `source` is the identity that makes
    re-sent notifications and replicas racing on the same group land on one row."""

    __tablename__ = "alert_group"
    __table_args__ = (
        UniqueConstraint("source", "group_key_hash", name="uq_alert_group_key"),
        Index("ix_alert_group_status", "status", "severity"),
        _partial("ix_alert_group_firing", "first_seen_at", where=FIRING_GROUP),
        _partial("ix_alert_group_resolved", "resolved_at", where="resolved_at IS NOT NULL"),
    )

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    source: str = Field(max_length=16)  # alertmanager | grafana
    group_key: str = Field(sa_column=Column(Text, nullable=False))
    group_key_hash: str = Field(max_length=64)
    receiver: str = Field(default="", max_length=200)
    status: str = Field(max_length=16)  # firing | resolved
    group_labels: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    common_labels: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    common_annotations: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    external_url: str = Field(default="", max_length=2000)
    # What the source says beyond Alertmanager's fields (Grafana: title, message, orgId).
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The latest notification's alerts, and those Alertmanager left out (`truncatedAlerts`).
    notified_alerts: int = 0
    truncated_alerts: int = 0
    channel: str = Field(max_length=80)
    severity: str = Field(max_length=8)
    mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    declare_incident: str | None = Field(default=None, max_length=8)  # from the route
    first_seen_at: datetime
    last_seen_at: datetime
    started_at: datetime  # the earliest startsAt of the current firing episode
    resolved_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=120)
    acknowledged_at: datetime | None = None
    incident_id: str | None = Field(default=None, foreign_key="incident.id", max_length=40)
    silence_id: str | None = Field(default=None, max_length=80)
    silenced_by: str | None = Field(default=None, max_length=120)
    silenced_until: datetime | None = None
    updated_at: datetime


class Alert(SQLModel, table=True):
    """One alert (an Alertmanager fingerprint) of a group, with its latest state."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("group_id", "fingerprint", name="uq_alert_fingerprint"),)

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    group_id: int = Field(foreign_key="alert_group.id")
    fingerprint: str = Field(max_length=64)
    status: str = Field(max_length=16)  # firing | resolved
    labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    annotations: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    value: str | None = Field(default=None, sa_column=Column(Text))
    starts_at: datetime
    ends_at: datetime | None = None
    generator_url: str = Field(default="", max_length=2000)
    # Grafana's per-alert links and values (dashboardURL, panelURL, silenceURL, values).
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    first_seen_at: datetime
    updated_at: datetime


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

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
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
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SloChart(SQLModel, table=True):
    """A rendered budget chart (PNG) waiting to be uploaded to Slack by the outbox."""

    __tablename__ = "slo_chart"

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    slot: str = Field(max_length=40, index=True)
    slo_key: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    title: str = Field(max_length=250)
    png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


class RunbookRun(SQLModel, table=True):
    """One run of a runbook: requested, maybe approved, then its steps one after another.

    `key` makes a run start once whatever double clicks, retries or replicas do. A sweep
    claims a runnable run (`claimed_by`/`claimed_until`); a claim that runs out while a step
    is `started` means the process died mid-step."""

    __tablename__ = "runbook_run"
    __table_args__ = (Index("ix_runbook_run_due", "state", "next_at"),)

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    key: str = Field(max_length=200, unique=True)
    base_key: str = Field(max_length=200, index=True)
    runbook: str = Field(max_length=120, index=True)
    # The runbook as it was when the run started (raw, before ${ENV} expansion: no secrets).
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    trigger: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
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

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
    run_id: int = Field(foreign_key="runbook_run.id")
    index: int
    name: str = Field(max_length=200)
    kind: str = Field(max_length=24)
    state: str = Field(max_length=24)  # started | waiting | succeeded | failed | interrupted
    attempts: int = 0
    # The step's idempotency key, e.g. the incident an `incident` step created.
    idempotency_key: str = Field(max_length=200, unique=True)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime | None = None
    finished_at: datetime | None = None


class RunbookApproval(SQLModel, table=True):
    """One approval request of a run (before it starts, or at an `approval` step)."""

    __tablename__ = "runbook_approval"
    __table_args__ = (Index("ux_runbook_approval_gate", "run_id", "gate", unique=True),)

    id: int = Field(default=None, primary_key=True)  # set when the row is inserted
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
    last_body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
