"""Reading alert groups: a group with its alerts as its messages show them."""

from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session

from commands.alerts.messages import FIRING, RESOLVED
from commands.context import Context
from commands.errors import NotFound
from commands.runbooks import catalog
from storage import alerts as repo
from storage.models import Alert, AlertGroup


@dataclass(frozen=True)
class GroupSnapshot:
    """What the parent message shows: the group and its alerts as they are now."""

    group: AlertGroup
    firing: list[Alert]
    resolved: list[Alert]
    firing_count: int
    resolved_count: int
    runbooks: list[str] = field(default_factory=list)  # what "Run runbook" offers


def load_group(session: Session, group_id: int, *, for_update: bool = False) -> AlertGroup:
    group = repo.get_group(session, group_id, for_update=for_update)
    if group is None:
        raise NotFound("alert.not_found", id=group_id)
    return group


def parse_group_id(text: object) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise NotFound("alert.not_found", id=str(text)[:40]) from None
    if not 0 < value < 2**62:
        raise NotFound("alert.not_found", id=value)
    return value


def read_snapshot(session: Session, group: AlertGroup, shown: int = 20) -> GroupSnapshot:
    assert group.id is not None
    counts = repo.status_counts(session, group.id)
    return GroupSnapshot(
        group=group,
        firing=list(repo.alerts(session, group.id, FIRING, shown)),
        resolved=list(repo.alerts(session, group.id, RESOLVED, shown)),
        firing_count=counts.get(FIRING, 0),
        resolved_count=counts.get(RESOLVED, 0),
    )


def group_snapshot(ctx: Context, group_id: int) -> GroupSnapshot:
    with ctx.db.reader() as session:
        snapshot = read_snapshot(session, load_group(session, group_id))
    return replace(snapshot, runbooks=runbooks_for_group(ctx, snapshot))


def runbooks_for_group(ctx: Context, snapshot: GroupSnapshot) -> list[str]:
    """The runbooks "Run runbook" offers: the one the `runbook` annotation names, when it
    is a known runbook, then those whose alert triggers match the group's labels."""
    group = snapshot.group
    found = catalog.catalog(ctx).runbooks
    named = [
        str((group.common_annotations or {}).get("runbook") or "").strip(),
        *(str((a.annotations or {}).get("runbook") or "").strip() for a in snapshot.firing[:1]),
    ]
    offered = [name for name in named if name in found]
    offered += catalog.runbooks_for_alert(ctx, group.common_labels or {})
    return list(dict.fromkeys(offered))


def get_group(ctx: Context, group_id: int) -> AlertGroup:
    with ctx.db.reader() as session:
        return load_group(session, group_id)


def list_groups(ctx: Context, *, status: str | None = None, limit: int | None = 50) -> list[Any]:
    with ctx.db.reader() as session:
        return list(repo.listing(session, status=status, limit=limit))


def firing_counts(ctx: Context) -> dict[str, int]:
    """Firing alert groups by severity (for /metrics)."""
    with ctx.db.reader() as session:
        return repo.firing_counts(session)
