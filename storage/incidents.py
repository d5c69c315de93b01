"""Incident and timeline queries. Plain functions over a session; callers own the transaction."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, literal, text, update
from sqlmodel import Session, col, select

from storage.db import rows_changed, table
from storage.models import Incident, SlackMessage, TimelineEntry


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
    session: Session, incident_id: str, responder: str, at: datetime, new_status: str | None
) -> bool:
    """Record the first acknowledgement atomically; False when someone else was first."""
    values: dict[str, object] = {"acknowledged_by": responder, "acknowledged_at": at}
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
    statuses: Sequence[str] | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> Sequence[Incident]:
    query = select(Incident)
    if statuses is not None:
        query = query.where(col(Incident.status).in_(statuses))
    if channel is not None:
        query = query.where(Incident.channel == channel)
    if since is not None:
        query = query.where(Incident.created_at >= since)
    query = query.order_by(col(Incident.created_at).desc(), col(Incident.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def open_counts_by_severity(session: Session, open_statuses: Sequence[str]) -> dict[str, int]:
    query = (
        select(Incident.severity, func.count())
        .where(col(Incident.status).in_(open_statuses))
        .group_by(Incident.severity)
    )
    return {severity: count for severity, count in session.exec(query)}


def ack_delays(session: Session) -> list[tuple[str, float]]:
    """(severity, seconds from declaration to acknowledgement) of every acknowledged incident."""
    query = select(Incident.severity, Incident.created_at, Incident.acknowledged_at).where(
        col(Incident.acknowledged_at).is_not(None)
    )
    return [
        (severity, (acked - created).total_seconds())
        for severity, created, acked in session.exec(query)
        if acked is not None
    ]


def channel_names_posted_in(session: Session, channel_id: str) -> set[str]:
    """The configured channel names whose incident announcements Slack placed in
    `channel_id` (a name like `#incidents` is only resolved to an ID by posting there)."""
    query = (
        select(Incident.channel)
        .join(SlackMessage, col(SlackMessage.ref) == literal("incident:") + col(Incident.id))
        .where(SlackMessage.channel == channel_id)
        .distinct()
    )
    return set(session.exec(query))
