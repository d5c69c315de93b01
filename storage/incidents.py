"""Incident and timeline queries. Plain functions over a session; callers own the transaction."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, insert, text, update
from sqlmodel import Session, col, select

from storage.models import Incident, TimelineEntry


def get(session: Session, incident_id: str, *, for_update: bool = False) -> Incident | None:
    query = select(Incident).where(Incident.id == incident_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


# The declaration path runs on every `/incident create`: its statements are built once and
# executed on the connection, skipping the ORM's per-call statement building.
_INCIDENTS = Incident.__table__  # type: ignore[attr-defined]
_TIMELINE = TimelineEntry.__table__  # type: ignore[attr-defined]
_ID_TAKEN = select(_INCIDENTS.c.id).where(_INCIDENTS.c.id == bindparam("incident_id"))
_INSERT_INCIDENT = insert(_INCIDENTS)
_INSERT_TIMELINE = insert(_TIMELINE)


def lock_id(session: Session, base: str) -> None:
    """Serialise the choice of IDs that share `base` (one second) across replicas.
    PostgreSQL: a transaction advisory lock. SQLite: writers are serialised already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:base))"), {"base": base}
        )


def id_taken(session: Session, incident_id: str) -> bool:
    found = session.connection().execute(_ID_TAKEN, {"incident_id": incident_id})
    return found.first() is not None


_SUFFIXED_COUNT = select(func.count()).where(
    _INCIDENTS.c.id > bindparam("low"), _INCIDENTS.c.id < bindparam("high")
)
_SUFFIXED = select(_INCIDENTS.c.id).where(
    _INCIDENTS.c.id > bindparam("low"), _INCIDENTS.c.id < bindparam("high")
)


def next_suffixed_id(session: Session, base: str) -> str:
    """The next free `{base}-N` (N from 2). '-' sorts just before '.', so `{base}-*` is an
    index range; suffixes are handed out in order, so the count finds the next one."""
    bounds = {"low": base + "-", "high": base + "."}
    candidate = f"{base}-{session.connection().execute(_SUFFIXED_COUNT, bounds).scalar_one() + 2}"
    if not id_taken(session, candidate):
        return candidate
    taken = {row[0] for row in session.connection().execute(_SUFFIXED, bounds)}
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


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
) -> int:
    """Append a timeline entry; its ID."""
    result = session.connection().execute(
        _INSERT_TIMELINE,
        {"incident_id": incident_id, "at": at, "actor": actor, "kind": kind, "data": data},
    )
    return int(result.inserted_primary_key[0])


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
