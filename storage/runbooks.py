"""Runbook runs, steps and approvals. Plain functions over a session; callers own the
transaction. Every change of state that two people or two replicas could race for is a
conditional UPDATE whose row count says who won."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.db import rows_changed, update_one
from storage.models import RunbookApproval, RunbookRun, RunbookStep


def get_run(session: Session, run_id: int) -> RunbookRun | None:
    return session.get(RunbookRun, run_id, populate_existing=True)


def run_by_key(session: Session, key: str) -> RunbookRun | None:
    return session.exec(select(RunbookRun).where(RunbookRun.key == key)).first()


def latest_by_base(session: Session, base_key: str) -> tuple[RunbookRun | None, int]:
    """The newest run for `base_key` and how many there are."""
    rows = session.exec(
        select(RunbookRun).where(RunbookRun.base_key == base_key).order_by(col(RunbookRun.id))
    ).all()
    return (rows[-1] if rows else None), len(rows)


def add_run(session: Session, run: RunbookRun) -> RunbookRun:
    session.add(run)
    session.flush()
    return run


def set_run(session: Session, run_id: int, expect: Sequence[str] | None, **values: object) -> bool:
    """Change the run when it is in one of the `expect` states; False when it is not."""
    where = [col(RunbookRun.id) == run_id]
    if expect is not None:
        where.append(col(RunbookRun.state).in_(expect))
    return update_one(session, RunbookRun, *where, **values)


def claim_run(session: Session, run_id: int, worker: str, now: datetime, until: datetime) -> bool:
    """Take a due run for execution; False when it is not due or another worker holds it."""
    return update_one(
        session,
        RunbookRun,
        col(RunbookRun.id) == run_id,
        col(RunbookRun.state) == "running",
        col(RunbookRun.next_at) <= now,
        col(RunbookRun.claimed_until).is_(None) | (col(RunbookRun.claimed_until) < now),
        claimed_by=worker,
        claimed_until=until,
    )


def extend_claim(session: Session, run_id: int, worker: str, until: datetime) -> bool:
    held = (col(RunbookRun.claimed_by) == worker, col(RunbookRun.state) == "running")
    return update_one(session, RunbookRun, col(RunbookRun.id) == run_id, *held, claimed_until=until)


def release_claim(session: Session, run_id: int, worker: str) -> None:
    session.execute(
        update(RunbookRun)
        .where(col(RunbookRun.id) == run_id, col(RunbookRun.claimed_by) == worker)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def due_runs(session: Session, now: datetime, limit: int) -> list[int]:
    query = (
        select(RunbookRun.id)
        .where(
            RunbookRun.state == "running",
            col(RunbookRun.next_at) <= now,
            col(RunbookRun.claimed_until).is_(None) | (col(RunbookRun.claimed_until) < now),
        )
        .order_by(col(RunbookRun.next_at), col(RunbookRun.id))
        .limit(limit)
    )
    return [int(i) for i in session.exec(query)]


def list_runs(
    session: Session, *, states: Sequence[str] | None = None, limit: int = 50
) -> Sequence[RunbookRun]:
    query = select(RunbookRun)
    if states is not None:
        query = query.where(col(RunbookRun.state).in_(states))
    return session.exec(query.order_by(col(RunbookRun.id).desc()).limit(limit)).all()


def steps(session: Session, run_id: int) -> list[RunbookStep]:
    query = select(RunbookStep).where(RunbookStep.run_id == run_id).order_by(col(RunbookStep.index))
    return list(session.exec(query))


def step(session: Session, run_id: int, index: int) -> RunbookStep | None:
    query = select(RunbookStep).where(RunbookStep.run_id == run_id, RunbookStep.index == index)
    return session.exec(query.execution_options(populate_existing=True)).first()


def save_step(session: Session, row: RunbookStep) -> RunbookStep:
    session.add(row)
    session.flush()
    return row


def set_step(
    session: Session, step_id: int, expect: Sequence[str] | None, **values: object
) -> bool:
    where = [col(RunbookStep.id) == step_id]
    if expect is not None:
        where.append(col(RunbookStep.state).in_(expect))
    return update_one(session, RunbookStep, *where, **values)


def add_approval(session: Session, approval: RunbookApproval) -> RunbookApproval:
    session.add(approval)
    session.flush()
    return approval


def approval(session: Session, run_id: int, gate: int) -> RunbookApproval | None:
    query = select(RunbookApproval).where(
        RunbookApproval.run_id == run_id, RunbookApproval.gate == gate
    )
    return session.exec(query.execution_options(populate_existing=True)).first()


def pending_approval(session: Session, run_id: int) -> RunbookApproval | None:
    query = select(RunbookApproval).where(
        RunbookApproval.run_id == run_id, RunbookApproval.state == "pending"
    )
    return session.exec(query.execution_options(populate_existing=True)).first()


def decide_approval(
    session: Session, approval_id: int, state: str, who: str | None, now: datetime
) -> bool:
    """Settle a pending approval; False when someone else settled it first or it expired."""
    query = update(RunbookApproval).where(
        col(RunbookApproval.id) == approval_id, col(RunbookApproval.state) == "pending"
    )
    if state != "expired":
        query = query.where(col(RunbookApproval.expires_at) > now)
    changed = rows_changed(
        session,
        query.values(state=state, decided_by=who, decided_at=now).execution_options(
            synchronize_session=False
        ),
    )
    return changed == 1


def expired_approvals(session: Session, now: datetime, limit: int = 50) -> list[RunbookApproval]:
    query = (
        select(RunbookApproval)
        .where(RunbookApproval.state == "pending", col(RunbookApproval.expires_at) <= now)
        .limit(limit)
    )
    return list(session.exec(query))


def count_runs(session: Session) -> int:
    return session.exec(select(func.count()).select_from(RunbookRun)).one()
