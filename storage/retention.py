"""What retention removes: old resolved alert groups, old closed incidents and delivered
outbox rows, a batch at a time, and the size of every table.

A subject is removed with what names it (its alerts or timeline, its reminders, where its
Slack messages are), and never while a message about it is still owed."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, col

from storage.db import rows_changed
from storage.models import (
    Alert,
    AlertGroup,
    Incident,
    OutboxMessage,
    Reminder,
    SlackMessage,
    TimelineEntry,
)
from storage.outbox import OWED, SENT, SUPERSEDED

_DELIVERED = (SENT, SUPERSEDED)


def _owed(stream: ColumnElement[str]) -> ColumnElement[bool]:
    """A message about this stream is still waiting to be sent."""
    return exists().where(col(OutboxMessage.state).in_(OWED), col(OutboxMessage.stream) == stream)


def _alert_stream() -> ColumnElement[str]:
    return literal("alert:") + cast(col(AlertGroup.id), String)


def _incident_streams() -> tuple[ColumnElement[str], ColumnElement[str]]:
    base = literal("incident:") + col(Incident.id)
    return base, base + literal(":deadline")


def _old_groups(before: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        col(AlertGroup.status) == "resolved",
        col(AlertGroup.resolved_at) < before,
        ~_owed(_alert_stream()),
    )


def _old_incidents(before: datetime) -> tuple[ColumnElement[bool], ...]:
    owes_postmortem = and_(
        col(Incident.postmortem_required), col(Incident.postmortem_url).is_(None)
    )
    announcement, deadline = _incident_streams()
    return (
        col(Incident.status) == "closed",
        col(Incident.closed_at) < before,
        ~owes_postmortem,
        ~_owed(announcement),
        ~_owed(deadline),
    )


def _delivered(before: datetime) -> tuple[ColumnElement[bool], ...]:
    return (col(OutboxMessage.state).in_(_DELIVERED), col(OutboxMessage.sent_at) < before)


def old_alert_groups(session: Session, before: datetime, limit: int) -> list[int]:
    """Resolved alert groups last resolved before `before`, oldest first."""
    query = (
        select(col(AlertGroup.id))
        .where(*_old_groups(before))
        .order_by(col(AlertGroup.resolved_at))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def old_incidents(session: Session, before: datetime, limit: int) -> list[str]:
    """Closed incidents closed before `before` that owe nothing (no postmortem, no message)."""
    query = (
        select(col(Incident.id))
        .where(*_old_incidents(before))
        .order_by(col(Incident.closed_at))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def _forget_messages(session: Session, refs: Sequence[str]) -> int:
    """Where the Slack messages of these subjects live (`ref` and `ref:...`). Their outbox
    rows are left to the delivered messages' own retention (a dead one stays to be seen)."""
    removed = 0
    for ref in refs:
        named = or_(
            col(SlackMessage.ref) == ref,
            and_(col(SlackMessage.ref) > f"{ref}:", col(SlackMessage.ref) < f"{ref};"),
        )
        removed += rows_changed(session, delete(SlackMessage).where(named))
    return removed


def _forget_reminders(session: Session, kind: str, ids: Sequence[str]) -> int:
    return rows_changed(
        session,
        delete(Reminder).where(
            col(Reminder.subject_kind) == kind, col(Reminder.subject_id).in_(ids)
        ),
    )


@dataclass(frozen=True)
class Deleted:
    subjects: int
    rows: int  # what named them: alerts or timeline entries


def delete_alert_groups(session: Session, ids: Sequence[int]) -> Deleted:
    if not ids:
        return Deleted(0, 0)
    alerts = rows_changed(session, delete(Alert).where(col(Alert.group_id).in_(ids)))
    _forget_reminders(session, "alert", [str(i) for i in ids])
    _forget_messages(session, [f"alert:{i}" for i in ids])
    groups = rows_changed(session, delete(AlertGroup).where(col(AlertGroup.id).in_(ids)))
    return Deleted(groups, alerts)


def delete_incidents(session: Session, ids: Sequence[str]) -> Deleted:
    if not ids:
        return Deleted(0, 0)
    entries = rows_changed(
        session, delete(TimelineEntry).where(col(TimelineEntry.incident_id).in_(ids))
    )
    _forget_reminders(session, "incident", ids)
    _forget_messages(session, [f"incident:{i}" for i in ids])
    rows_changed(  # the alert groups that declared them outlive them
        session,
        update(AlertGroup).where(col(AlertGroup.incident_id).in_(ids)).values(incident_id=None),
    )
    incidents = rows_changed(session, delete(Incident).where(col(Incident.id).in_(ids)))
    return Deleted(incidents, entries)


def delete_delivered(session: Session, before: datetime, limit: int) -> int:
    """Outbox rows delivered (or superseded) before `before`, up to `limit` of them."""
    batch = select(col(OutboxMessage.id)).where(*_delivered(before)).limit(limit)
    return rows_changed(session, delete(OutboxMessage).where(col(OutboxMessage.id).in_(batch)))


@dataclass(frozen=True)
class Removable:
    alert_groups: int
    alerts: int
    incidents: int
    timeline_entries: int
    delivered_messages: int


def removable(
    session: Session,
    *,
    groups_before: datetime | None,
    incidents_before: datetime | None,
    messages_before: datetime | None,
) -> Removable:
    """What a sweep with these cut-offs would remove now (None: that kind is kept)."""

    def count(model: type[SQLModel], *where: ColumnElement[bool]) -> int:
        return int(
            session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        )

    groups = alerts = incidents = entries = messages = 0
    if groups_before is not None:
        old_groups = _old_groups(groups_before)
        groups = count(AlertGroup, *old_groups)
        alerts = count(
            Alert, col(Alert.group_id).in_(select(col(AlertGroup.id)).where(*old_groups))
        )
    if incidents_before is not None:
        old_incidents = _old_incidents(incidents_before)
        incidents = count(Incident, *old_incidents)
        old_ids = select(col(Incident.id)).where(*old_incidents)
        entries = count(TimelineEntry, col(TimelineEntry.incident_id).in_(old_ids))
    if messages_before is not None:
        messages = count(OutboxMessage, *_delivered(messages_before))
    return Removable(groups, alerts, incidents, entries, messages)


@dataclass(frozen=True)
class TableSize:
    name: str
    rows: int
    bytes: int | None  # with its indexes; None where the database cannot say


_SQLITE_SIZES = text(
    "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat AS s"
    " JOIN sqlite_master AS m ON m.name = s.name GROUP BY m.tbl_name"
)


def _byte_sizes(session: Session, names: Sequence[str]) -> dict[str, int]:
    if session.get_bind().dialect.name == "postgresql":
        sizes = text("SELECT pg_total_relation_size(CAST(:name AS regclass))")
        return {name: int(session.execute(sizes, {"name": name}).scalar_one()) for name in names}
    try:
        with session.begin_nested():
            return {str(name): int(size) for name, size in session.execute(_SQLITE_SIZES)}
    except OperationalError:  # an SQLite built without the dbstat table
        return {}


def table_sizes(session: Session) -> list[TableSize]:
    """Every table sre-bot keeps, with its rows and bytes, largest first."""
    tables = SQLModel.metadata.tables
    sizes = _byte_sizes(session, sorted(tables))
    found = [
        TableSize(
            name,
            int(session.execute(select(func.count()).select_from(table)).scalar_one()),
            sizes.get(name),
        )
        for name, table in tables.items()
    ]
    return sorted(found, key=lambda size: (-(size.bytes or 0), -size.rows, size.name))
