"""Incident and timeline queries. Plain functions over a session; callers own the transaction."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, text, update
from sqlmodel import Session, col, select

from storage.db import dialect_insert, rows_changed, table
from storage.models import (
    ACK_FOREVER,
    OPEN_INCIDENT,
    POSTMORTEM_OWED,
    UNACKNOWLEDGED_INCIDENT,
    AckCount,
    Incident,
    SlackMessage,
    TimelineEntry,
)


def get(session: Session, incident_id: str, *, for_update: bool = False) -> Incident | None:
    query = select(Incident).where(Incident.id == incident_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


# The declaration path runs on every `/incident create`: its statements are built once and
# executed on the connection, skipping the ORM's per-call statement building.
_INCIDENTS = table(Incident)
_TIMELINE = table(TimelineEntry)
_ALLOCATE = text(
    "INSERT INTO incident_id_counter (base, used) VALUES (:base, 1) "
    "ON CONFLICT (base) DO UPDATE SET used = incident_id_counter.used + 1 RETURNING used"
)
_INSERT_INCIDENT = insert(_INCIDENTS)
_INSERT_TIMELINE = insert(_TIMELINE)


def allocate_id(connection: Connection, base: str) -> str:
    """The next ID for incidents declared in the second `base`: base, then base-2, base-3...

    An upsert on a per-second counter, run by the caller in a transaction of its own, so
    replicas racing in the same second hold the counter's row lock for one statement only,
    not for the whole declaration."""
    used = connection.execute(_ALLOCATE, {"base": base}).scalar_one()
    return base if used == 1 else f"{base}-{used}"


def add(session: Session, incident: Incident) -> None:
    session.connection().execute(_INSERT_INCIDENT, incident.model_dump())


def claim_acknowledgement(
    session: Session,
    incident_id: str,
    responder: str,
    at: datetime,
    new_status: str | None,
    seconds: float,
) -> bool:
    """Record the first acknowledgement atomically (`seconds` after the declaration); False
    when someone else was first."""
    values: dict[str, object] = {"acknowledged_by": responder, "acknowledged_at": at}
    values["ack_seconds"] = seconds
    values["updated_at"] = at
    if new_status is not None:
        values["status"] = new_status
    changed = rows_changed(
        session,
        update(Incident)
        .where(col(Incident.id) == incident_id, col(Incident.acknowledged_at).is_(None))
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    session.expire_all()
    return changed == 1


def add_timeline(
    session: Session, incident_id: str, at: datetime, actor: str, kind: str, data: dict[str, Any]
) -> int:
    """Append a timeline entry; its ID."""
    result = session.connection().execute(
        _INSERT_TIMELINE,
        {"incident_id": incident_id, "at": at, "actor": actor, "kind": kind, "data": data},
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def timeline(session: Session, incident_id: str) -> Sequence[TimelineEntry]:
    query = (
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(col(TimelineEntry.at), col(TimelineEntry.id))
    )
    return session.exec(query).all()


def timeline_entry(session: Session, entry_id: int) -> TimelineEntry | None:
    return session.get(TimelineEntry, entry_id)


def listing(
    session: Session,
    *,
    open_only: bool = False,
    channel: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> Sequence[Incident]:
    query = select(Incident)
    if open_only:
        query = query.where(text(OPEN_INCIDENT))
    if channel is not None:
        query = query.where(Incident.channel == channel)
    if since is not None:
        query = query.where(Incident.created_at >= since)
    query = query.order_by(col(Incident.created_at).desc(), col(Incident.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def open_counts_by_severity(session: Session) -> dict[str, int]:
    """Counted from the open incidents' partial index alone. Without statistics SQLite
    cannot tell that index is small, and would read the report's (every incident) instead:
    there it is named."""
    if session.get_bind().dialect.name == "sqlite":
        open_ones = text(
            f"SELECT severity FROM incident INDEXED BY ix_incident_open WHERE {OPEN_INCIDENT}"
        )
        return dict(Counter(session.connection().execute(open_ones).scalars()))
    return dict(Counter(session.exec(select(Incident.severity).where(text(OPEN_INCIDENT)))))


def count_acknowledgement(
    session: Session, severity: str, seconds: float, buckets: Sequence[float]
) -> None:
    """Add one acknowledgement, `seconds` after its declaration, to the MTTA counters (in
    the transaction that records it, so it is counted once)."""
    le = next((int(bound) for bound in buckets if seconds <= bound), ACK_FOREVER)
    row = {"severity": severity, "le_seconds": le, "count": 1, "seconds_sum": seconds}
    added = {"count": AckCount.count + 1, "seconds_sum": AckCount.seconds_sum + seconds}
    upsert = dialect_insert(session)(AckCount).values(**row)
    session.execute(
        upsert.on_conflict_do_update(index_elements=["severity", "le_seconds"], set_=added)
    )


def ack_counts(session: Session) -> Sequence[AckCount]:
    return session.exec(select(AckCount)).all()


def unacknowledged(session: Session, statuses: Sequence[str]) -> Sequence[Incident]:
    """Open incidents nobody has acknowledged, in one of `statuses`, newest first."""
    query = (
        select(Incident)
        .where(text(UNACKNOWLEDGED_INCIDENT), col(Incident.status).in_(statuses))
        .order_by(col(Incident.created_at).desc(), col(Incident.id).desc())
    )
    return session.exec(query).all()


def postmortems_owed(session: Session) -> Sequence[Incident]:
    """Closed incidents that need a postmortem nobody has recorded, oldest debt first."""
    query = select(Incident).where(text(POSTMORTEM_OWED)).order_by(col(Incident.closed_at))
    return session.exec(query).all()


@dataclass(frozen=True)
class SeverityFigures:
    """One severity's incidents in a period, counted in SQL."""

    count: int
    by_status: dict[str, int]
    acknowledged: int
    ack_seconds_sum: float
    resolved: int
    resolve_seconds_sum: float
    ack_due: int  # acknowledged, or unacknowledged past the target
    ack_within_target: int


def severity_figures(
    session: Session,
    severity: str,
    statuses: Sequence[str],
    since: datetime | None,
    now: datetime,
    target: timedelta,
) -> SeverityFigures:
    """One aggregate over the report's covering index (severity, then period)."""
    ack = col(Incident.ack_seconds)
    acked = ack.is_not(None)
    due = or_(acked, col(Incident.created_at) < now - target)
    columns: list[Any] = [
        func.count(),
        func.count(ack),
        func.coalesce(func.sum(ack), 0),
        func.count(col(Incident.resolve_seconds)),
        func.coalesce(func.sum(col(Incident.resolve_seconds)), 0),
        func.count().filter(due),
        func.count().filter(ack <= target.total_seconds()),
        *(func.count().filter(col(Incident.status) == s) for s in statuses),
    ]
    query = select(*columns).where(Incident.severity == severity)
    if since is not None:
        query = query.where(Incident.created_at >= since)
    count, acknowledged, ack_sum, resolved, resolve_sum, due_n, within_n, *per_status = (
        session.exec(query).one()
    )
    return SeverityFigures(
        count=int(count),
        by_status={s: int(n or 0) for s, n in zip(statuses, per_status, strict=True)},
        acknowledged=int(acknowledged),
        ack_seconds_sum=float(ack_sum),
        resolved=int(resolved),
        resolve_seconds_sum=float(resolve_sum),
        ack_due=int(due_n or 0),
        ack_within_target=int(within_n or 0),
    )


def median_seconds(
    session: Session, severity: str, since: datetime | None, duration: str, count: int
) -> float | None:
    """The median of a duration (`ack_seconds` or `resolve_seconds`) over the severity's
    `count` incidents that have it: the middle one or two. For all time, read in the order
    of the duration's index; for a period, its incidents sorted in SQL."""
    if count <= 0:
        return None
    seconds = col(getattr(Incident, duration))
    query = select(seconds).where(Incident.severity == severity, seconds.is_not(None))
    order: Any = seconds
    if since is not None:
        query = query.where(Incident.created_at >= since)
        # Sorted, not read in the duration's index: with statistics SQLite would otherwise
        # walk every incident of the severity in that order to find the period's few.
        order = seconds + 0
    middle = query.order_by(order).offset((count - 1) // 2).limit(2 - count % 2)
    values = [float(v) for v in session.exec(middle)]
    return sum(values) / len(values) if values else None


def channel_names_posted_in(session: Session, channel_id: str) -> set[str]:
    """The configured channel names whose incident announcements Slack placed in
    `channel_id` (a name like `#incidents` is only resolved to an ID by posting there)."""
    # The latest announcements there are enough to learn the names, and bound the work.
    latest = (
        select(SlackMessage.ref)
        .where(SlackMessage.channel == channel_id, col(SlackMessage.ref).startswith("incident:"))
        .order_by(col(SlackMessage.posted_at).desc())
        .limit(50)
    )
    ids = [ref.removeprefix("incident:") for ref in session.exec(latest)]
    query = select(Incident.channel).where(col(Incident.id).in_(ids)).distinct()
    return set(session.exec(query))
