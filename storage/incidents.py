"""Incident and timeline queries. Plain functions over a session; callers own the transaction."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.models import Incident, TimelineEntry


def get(session: Session, incident_id: str, *, for_update: bool = False) -> Incident | None:
    query = select(Incident).where(Incident.id == incident_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def ids_starting_with(session: Session, prefix: str) -> set[str]:
    rows = session.exec(select(Incident.id).where(col(Incident.id).startswith(prefix)))
    return set(rows)


def add(session: Session, incident: Incident) -> None:
    session.add(incident)
    session.flush()


def claim_acknowledgement(
    session: Session, incident_id: str, responder: str, at: datetime, new_status: str | None
) -> bool:
    """Record the first acknowledgement atomically; False when someone else was first."""
    values: dict[str, object] = {"acknowledged_by": responder, "acknowledged_at": at}
    values["updated_at"] = at
    if new_status is not None:
        values["status"] = new_status
    result = session.execute(
        update(Incident)
        .where(col(Incident.id) == incident_id, col(Incident.acknowledged_at).is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1


def add_timeline(
    session: Session, incident_id: str, at: datetime, actor: str, kind: str, data: dict
) -> TimelineEntry:
    entry = TimelineEntry(incident_id=incident_id, at=at, actor=actor, kind=kind, data=data)
    session.add(entry)
    session.flush()
    return entry


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
    ]
