"""SLO state, daily snapshots, digest runs and charts."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.db import changed_one, insert_first, rows_changed
from storage.models import DigestRun, SloChart, SloSnapshot, SloState

RUNNING = "running"
DONE = "done"


# --- status per SLO ---------------------------------------------------------------------------
def get_state(session: Session, key: str) -> SloState | None:
    return session.get(SloState, key)


def all_states(session: Session) -> Sequence[SloState]:
    return session.exec(select(SloState)).all()


def first_state(
    session: Session, key: str, status: str, remaining: float | None, now: datetime
) -> bool:
    """Record an SLO's first status; False when another evaluation recorded it first."""
    return insert_first(
        session,
        SloState(slo_key=key, status=status, remaining=remaining, changed_at=now, evaluated_at=now),
    )


def move_state(
    session: Session, key: str, old: str, new: str, remaining: float | None, now: datetime
) -> bool:
    """Claim the change old -> new: True for exactly one evaluation, however many race."""
    moved = update(SloState).where(col(SloState.slo_key) == key, col(SloState.status) == old)
    return changed_one(
        session, moved.values(status=new, remaining=remaining, changed_at=now, evaluated_at=now)
    )


def touch_state(session: Session, key: str, remaining: float | None, now: datetime) -> None:
    session.execute(
        update(SloState)
        .where(col(SloState.slo_key) == key)
        .values(remaining=remaining, evaluated_at=now)
        .execution_options(synchronize_session=False)
    )


# --- daily snapshots --------------------------------------------------------------------------
def snapshot(session: Session, key: str, day: str) -> SloSnapshot | None:
    query = select(SloSnapshot).where(SloSnapshot.slo_key == key, SloSnapshot.day == day)
    return session.exec(query).first()


def save_snapshot(
    session: Session,
    key: str,
    day: str,
    status: str,
    remaining: float | None,
    sli: float | None,
    now: datetime,
) -> None:
    existing = snapshot(session, key, day)
    if existing is None:
        session.add(
            SloSnapshot(
                slo_key=key, day=day, status=status, remaining=remaining, sli=sli, taken_at=now
            )
        )
    else:
        existing.status, existing.remaining, existing.sli = status, remaining, sli
        existing.taken_at = now
        session.add(existing)
    session.flush()


# --- digest runs ------------------------------------------------------------------------------
def get_run(session: Session, slot: str) -> DigestRun | None:
    return session.get(DigestRun, slot)


def claim_run(
    session: Session, slot: str, day: str, worker: str, now: datetime, lease: timedelta
) -> bool:
    """Take the digest for `slot`: the first claim wins; a claim left by a crashed replica is
    taken over once its lease runs out; a finished digest is never taken again."""
    changed = rows_changed(
        session,
        update(DigestRun)
        .where(
            col(DigestRun.slot) == slot,
            col(DigestRun.state) == RUNNING,
            col(DigestRun.claimed_until) < now,
        )
        .values(claimed_by=worker, claimed_until=now + lease, started_at=now)
        .execution_options(synchronize_session=False),
    )
    if changed == 1:
        return True
    if session.get(DigestRun, slot) is not None:
        return False
    return insert_first(
        session,
        DigestRun(
            slot=slot,
            day=day,
            state=RUNNING,
            claimed_by=worker,
            claimed_until=now + lease,
            started_at=now,
            data={},
        ),
    )


def finish_run(
    session: Session, slot: str, worker: str, data: dict[str, Any], now: datetime
) -> bool:
    """Mark the digest done, if this worker still holds it."""
    held = (col(DigestRun.state) == RUNNING, col(DigestRun.claimed_by) == worker)
    done = update(DigestRun).where(col(DigestRun.slot) == slot, *held)
    return changed_one(session, done.values(state=DONE, data=data, finished_at=now))


# --- charts -----------------------------------------------------------------------------------
def add_chart(
    session: Session, slot: str, key: str, filename: str, title: str, png: bytes, now: datetime
) -> int:
    chart = SloChart(
        slot=slot, slo_key=key, filename=filename, title=title, png=png, created_at=now
    )
    session.add(chart)
    session.flush()
    assert chart.id is not None
    return chart.id


def get_chart(session: Session, chart_id: int) -> SloChart | None:
    return session.get(SloChart, chart_id)


def forget_charts(session: Session, before: datetime) -> int:
    changed = rows_changed(session, delete(SloChart).where(col(SloChart.created_at) < before))
    return int(changed or 0)
