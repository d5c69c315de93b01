"""On-call overrides, reminder state and handoffs. Plain functions; callers own the transaction."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from storage.db import changed_one, dialect_insert
from storage.models import (
    OPEN_INCIDENT,
    UNACKNOWLEDGED_INCIDENT,
    Incident,
    OnCallHandoff,
    OnCallOverride,
    Reminder,
    TimelineEntry,
)

_OVERRIDE_LOCK = 724_032  # PostgreSQL advisory lock: one override change at a time


def lock_overrides(session: Session) -> None:
    """Serialise override changes, so two overlapping ones can't both pass the check.
    SQLite's write transactions already run one at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OVERRIDE_LOCK})


def overrides_between(session: Session, start: datetime, end: datetime) -> Sequence[OnCallOverride]:
    """Overrides overlapping [start, end), in time order."""
    query = (
        select(OnCallOverride)
        .where(OnCallOverride.start_at < end, OnCallOverride.end_at > start)
        .order_by(col(OnCallOverride.start_at))
    )
    return session.exec(query).all()


def overrides_in_group(session: Session, group_id: str) -> Sequence[OnCallOverride]:
    query = select(OnCallOverride).where(OnCallOverride.group_id == group_id)
    return session.exec(query.order_by(col(OnCallOverride.start_at))).all()


def add_overrides(session: Session, rows: Sequence[OnCallOverride]) -> None:
    for row in rows:
        session.add(row)
    session.flush()


def reminder(session: Session, subject_kind: str, subject_id: str, kind: str) -> Reminder:
    """The reminder state of a subject, created (step 0) the first time it is asked for."""
    values = {
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "kind": kind,
        "step": 0,
        "next_at": None,
        "last_sent_at": None,
    }
    session.execute(dialect_insert(session)(Reminder).values(**values).on_conflict_do_nothing())
    query = select(Reminder).where(
        Reminder.subject_kind == subject_kind,
        Reminder.subject_id == subject_id,
        Reminder.kind == kind,
    )
    row = session.exec(query.execution_options(populate_existing=True)).one()
    return row


def reminders_for(
    session: Session, subject_kind: str, kind: str, subject_ids: Iterable[str]
) -> dict[str, Reminder]:
    """The reminder state of these subjects (the ones a sweep is looking at, not history)."""
    wanted, found = sorted(set(subject_ids)), {}
    for start in range(0, len(wanted), 500):
        query = select(Reminder).where(
            Reminder.subject_kind == subject_kind,
            col(Reminder.subject_id).in_(wanted[start : start + 500]),
            Reminder.kind == kind,
        )
        found.update({row.subject_id: row for row in session.exec(query)})
    return found


def advance_reminder(
    session: Session,
    reminder_id: int,
    old_step: int,
    new_step: int,
    next_at: datetime | None,
    now: datetime,
) -> bool:
    """Move a reminder from `old_step` to `new_step`; False when someone else moved it first."""
    moved = update(Reminder).where(col(Reminder.id) == reminder_id, col(Reminder.step) == old_step)
    return changed_one(session, moved.values(step=new_step, next_at=next_at, last_sent_at=now))


def unacknowledged_incidents(session: Session, created_before: datetime) -> Sequence[Incident]:
    """Open incidents nobody acknowledged, declared by `created_before` (a partial index)."""
    query = select(Incident).where(
        text(UNACKNOWLEDGED_INCIDENT), col(Incident.created_at) <= created_before
    )
    return session.exec(query).all()


def acknowledged_incidents_with_last_entry(
    session: Session, severities: Sequence[str]
) -> list[tuple[Incident, datetime | None]]:
    """Acknowledged open incidents of these severities with the time of their latest
    timeline entry (looked up per incident, by its index)."""
    last_at = (
        select(func.max(TimelineEntry.at))
        .where(TimelineEntry.incident_id == Incident.id)
        .correlate(Incident)
        .scalar_subquery()
    )
    # The severities are picked here, not in SQL: a severity condition would lead the
    # planner to the report's index, which holds every incident of that severity.
    query = select(Incident, last_at).where(
        text(OPEN_INCIDENT), col(Incident.acknowledged_at).is_not(None)
    )
    wanted = set(severities)
    return [(incident, at) for incident, at in session.exec(query) if incident.severity in wanted]


def incidents_declared_between(
    session: Session, start: datetime, end: datetime
) -> Sequence[Incident]:
    query = (
        select(Incident)
        .where(Incident.created_at >= start, Incident.created_at < end)
        .order_by(col(Incident.created_at))
    )
    return session.exec(query).all()


def handoff_posted(session: Session, key: str) -> bool:
    return session.get(OnCallHandoff, key) is not None


def add_handoff(session: Session, handoff: OnCallHandoff) -> None:
    """Raises IntegrityError when this handoff was already recorded (by anyone)."""
    session.add(handoff)
    session.flush()


def latest_handoff(session: Session) -> OnCallHandoff | None:
    query = select(OnCallHandoff).order_by(col(OnCallHandoff.handoff_at).desc()).limit(1)
    return session.exec(query).first()
