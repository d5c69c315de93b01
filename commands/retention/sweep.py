"""The retention sweep: once a day, in one replica, a batch per transaction.

The claim is a lease. While a sweep runs it renews the lease with every batch (a replica
that dies mid-way lets another resume within minutes); when it finishes it settles the
lease for a day, so the hourly attempts of every replica do nothing until then."""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlmodel import Session

from commands.context import Context
from storage import leases
from storage import retention as store
from storage.retention import Removable

LEASE = "retention-sweep"
EVERY = timedelta(hours=24)
# Settled a little less than a day, so that the hourly attempt a day later finds it free.
_SETTLED_FOR = EVERY - timedelta(minutes=30)
SETTLED = "(swept)"
_HOLD = timedelta(minutes=5)  # renewed at every batch


@dataclass(frozen=True)
class Swept:
    alert_groups: int = 0
    alerts: int = 0
    incidents: int = 0
    timeline_entries: int = 0
    delivered_messages: int = 0
    batches: int = 0

    def __add__(self, other: "Swept") -> "Swept":
        return Swept(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _batches(ctx: Context, worker: str, batch: "Batch", before: datetime) -> Swept | None:
    """Run `batch` in a transaction of its own each time, until it removes less than a full
    batch. None if the lease was lost on the way (another replica goes on)."""
    done = Swept()
    size = ctx.config.retention.batch_size
    while True:
        with ctx.db.session() as session:
            if not leases.acquire(session, LEASE, worker, ctx.clock.now(), _HOLD):
                return None
            removed = batch(session, before, size)
        done += removed
        if removed.alert_groups + removed.incidents + removed.delivered_messages < size:
            return done


def sweep(ctx: Context, worker: str, *, now_or_never: bool = False) -> Swept | None:
    """Delete what `retention:` no longer keeps; what was removed, or None when it was not
    this replica's turn: another one is sweeping, or a sweep finished less than a day ago
    (`now_or_never` runs even then, unless another is sweeping)."""
    started = ctx.clock.now()
    with ctx.db.session() as session:
        over = SETTLED if now_or_never else None
        if not leases.acquire(session, LEASE, worker, started, _HOLD, over=over):
            return None
    cut = ctx.config.retention.cutoffs(started)
    total = Swept()
    for kind, before in cut.items():
        if before is None:
            continue
        swept = _batches(ctx, worker, _KINDS[kind], before)
        if swept is None:
            return None
        total += swept
    with ctx.db.session() as session:
        leases.settle(session, LEASE, worker, started + _SETTLED_FOR, SETTLED)
    ctx.db.optimize()  # the statistics after the history changed (SQLite)
    return total


def _groups(session: Session, before: datetime, size: int) -> Swept:
    deleted = store.delete_alert_groups(session, store.old_alert_groups(session, before, size))
    return Swept(alert_groups=deleted.subjects, alerts=deleted.rows, batches=1)


def _incidents(session: Session, before: datetime, size: int) -> Swept:
    deleted = store.delete_incidents(session, store.old_incidents(session, before, size))
    return Swept(incidents=deleted.subjects, timeline_entries=deleted.rows, batches=1)


def _messages(session: Session, before: datetime, size: int) -> Swept:
    return Swept(delivered_messages=store.delete_delivered(session, before, size), batches=1)


Batch = Callable[[Session, datetime, int], Swept]
_KINDS: dict[str, Batch] = {
    "groups_before": _groups,
    "incidents_before": _incidents,
    "messages_before": _messages,
}


def preview(ctx: Context) -> Removable:
    """What a sweep would remove now."""
    with ctx.db.reader() as session:
        return store.removable(session, **ctx.config.retention.cutoffs(ctx.clock.now()))
