"""Health-watch state: one row per watched target, claimed before each check."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.db import changed_one, insert_first, update_one
from storage.models import WatchState


def get(session: Session, name: str) -> WatchState | None:
    return session.get(WatchState, name, populate_existing=True)


def all_states(session: Session) -> Sequence[WatchState]:
    return session.exec(select(WatchState)).all()


def ensure(session: Session, name: str, now: datetime) -> None:
    """Create the row for a newly configured target (another replica may race us)."""
    if session.get(WatchState, name) is not None:
        return
    insert_first(session, WatchState(name=name, next_check_at=now, last_body={}))


def claim(session: Session, name: str, worker: str, now: datetime, until: datetime) -> bool:
    """Take the target for one check when it is due; False when not due or held."""
    return update_one(
        session,
        WatchState,
        col(WatchState.name) == name,
        col(WatchState.next_check_at) <= now,
        col(WatchState.claimed_until).is_(None) | (col(WatchState.claimed_until) < now),
        claimed_by=worker,
        claimed_until=until,
    )


def save(session: Session, name: str, worker: str, **values: object) -> bool:
    """Record a check's result; False when our claim was lost (someone else checked)."""
    ours = update(WatchState).where(
        col(WatchState.name) == name, col(WatchState.claimed_by) == worker
    )
    return changed_one(session, ours.values(claimed_by=None, claimed_until=None, **values))


def mark_triggered(session: Session, name: str, episode: int) -> bool:
    first = col(WatchState.triggered_episode) < episode
    return update_one(
        session, WatchState, col(WatchState.name) == name, first, triggered_episode=episode
    )
