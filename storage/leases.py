"""Leases held in the database, so one replica at a time runs a given sweep."""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from storage.db import changed_one, insert_first, rows_changed
from storage.models import Lease


def acquire(
    session: Session,
    name: str,
    holder: str,
    now: datetime,
    ttl: timedelta,
    *,
    over: str | None = None,
) -> bool:
    """Take or renew the lease; False while another holder's lease is still valid (a
    lease held by `over` may be taken all the same)."""
    holders = (holder,) if over is None else (holder, over)
    changed = rows_changed(
        session,
        update(Lease)
        .where(
            col(Lease.name) == name, col(Lease.holder).in_(holders) | (col(Lease.expires_at) < now)
        )
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False),
    )
    if changed == 1:
        return True
    if session.get(Lease, name) is not None:
        return False
    return insert_first(session, Lease(name=name, holder=holder, expires_at=now + ttl))


def settle(session: Session, name: str, holder: str, until: datetime, settled: str) -> bool:
    """Hand the lease to no one (`settled`) until `until`: work done for a period."""
    return changed_one(
        session,
        update(Lease)
        .where(col(Lease.name) == name, col(Lease.holder) == holder)
        .values(holder=settled, expires_at=until),
    )


def release(session: Session, name: str, holder: str) -> None:
    lease = session.get(Lease, name)
    if lease is not None and lease.holder == holder:
        session.delete(lease)
