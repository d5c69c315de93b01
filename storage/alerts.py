"""Alert groups and their alerts. Plain functions over a session; callers own the transaction.

Ingest runs on every webhook, and a storm sends thousands of alerts a minute: alerts are
written with one executemany statement per kind of change, never one ORM object each.
"""

import importlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, text, update
from sqlmodel import Session, col, select

from storage.db import changed_one, table, update_one
from storage.models import FIRING_GROUP, Alert, AlertGroup

_GROUPS = table(AlertGroup)
_ALERTS = table(Alert)
_INSERT_ALERT = insert(_ALERTS)
_UPDATE_ALERT = (
    update(_ALERTS)
    .where(_ALERTS.c.id == bindparam("alert_id"))
    .values(
        status=bindparam("status"),
        labels=bindparam("labels"),
        annotations=bindparam("annotations"),
        value=bindparam("value"),
        starts_at=bindparam("starts_at"),
        ends_at=bindparam("ends_at"),
        generator_url=bindparam("generator_url"),
        extra=bindparam("extra"),
        updated_at=bindparam("updated_at"),
    )
)


@cache
def _claim_statement(dialect: str) -> Any:
    """Built once per dialect: INSERT ... ON CONFLICT (source, group_key_hash) DO NOTHING
    RETURNING id (the dialect loaded only when used: PostgreSQL's loads every driver's)."""
    chosen = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    return (
        chosen.insert(_GROUPS)
        .on_conflict_do_nothing(index_elements=["source", "group_key_hash"])
        .returning(_GROUPS.c.id)
    )


def claim_group(session: Session, values: dict[str, Any]) -> tuple[AlertGroup, bool]:
    """The group with `values["source"]` and `values["group_key_hash"]`, created from `values`
    when it does not exist yet, and locked for the rest of the transaction (on PostgreSQL;
    SQLite has one writer at a time). True when this call created it.

    Two replicas racing on a new group: one insert wins, the other's waits for it to commit,
    does nothing, and then finds (and locks) the winner's row."""
    connection = session.connection()
    statement = _claim_statement(connection.dialect.name)
    created = connection.execute(statement, values).scalar_one_or_none() is not None
    query = (
        select(AlertGroup)
        .where(
            AlertGroup.source == values["source"],
            AlertGroup.group_key_hash == values["group_key_hash"],
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(query).one(), created


def get_group(session: Session, group_id: int, *, for_update: bool = False) -> AlertGroup | None:
    query = select(AlertGroup).where(AlertGroup.id == group_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).first()


def alert_states(session: Session, group_id: int) -> dict[str, tuple[int, str]]:
    """fingerprint -> (alert ID, status) for every alert the group has had."""
    query = select(Alert.fingerprint, Alert.id, Alert.status).where(Alert.group_id == group_id)
    return {fp: (alert_id, status) for fp, alert_id, status in session.exec(query)}


def insert_alerts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT_ALERT, list(rows))


def update_alerts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Rows carry `alert_id` and the new values of every column _UPDATE_ALERT sets."""
    if rows:
        session.connection().execute(_UPDATE_ALERT, list(rows))


def update_group(session: Session, group_id: int, **values: object) -> None:
    session.execute(
        update(AlertGroup)
        .where(col(AlertGroup.id) == group_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def alerts(
    session: Session, group_id: int, status: str, limit: int | None = None
) -> Sequence[Alert]:
    """The group's alerts with `status`, oldest first."""
    query = (
        select(Alert)
        .where(Alert.group_id == group_id, Alert.status == status)
        .order_by(col(Alert.starts_at), col(Alert.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def mark_resolved(session: Session, alert_ids: Sequence[int], at: datetime) -> None:
    """Alerts that left their group without a resolved notification."""
    if alert_ids:
        session.execute(
            update(Alert)
            .where(col(Alert.id).in_(list(alert_ids)))
            .values(status="resolved", ends_at=at, updated_at=at)
            .execution_options(synchronize_session=False)
        )


def status_counts(session: Session, group_id: int) -> dict[str, int]:
    query = (
        select(Alert.status, func.count()).where(Alert.group_id == group_id).group_by(Alert.status)
    )
    return {status: count for status, count in session.exec(query)}


def claim_acknowledgement(session: Session, group_id: int, who: str, at: datetime) -> bool:
    """Record the first acknowledgement atomically; False when someone else was first."""
    first = update(AlertGroup).where(
        col(AlertGroup.id) == group_id, col(AlertGroup.acknowledged_at).is_(None)
    )
    return changed_one(
        session, first.values(acknowledged_by=who, acknowledged_at=at, updated_at=at)
    )


def link_incident(session: Session, group_id: int, incident_id: str, at: datetime) -> bool:
    """Link the group to an incident unless it already has one."""
    unlinked = (col(AlertGroup.id) == group_id, col(AlertGroup.incident_id).is_(None))
    return update_one(session, AlertGroup, *unlinked, incident_id=incident_id, updated_at=at)


def unacknowledged_groups(session: Session, seen_before: datetime) -> Sequence[AlertGroup]:
    """Firing groups nobody has acknowledged and no incident has taken over, firing (and
    shown in Slack) since before `seen_before`."""
    query = select(AlertGroup).where(
        text(FIRING_GROUP),
        col(AlertGroup.acknowledged_at).is_(None),
        col(AlertGroup.incident_id).is_(None),
        col(AlertGroup.started_at) <= seen_before,
        col(AlertGroup.first_seen_at) <= seen_before,
    )
    return session.exec(query).all()


def groups_first_seen_between(
    session: Session, start: datetime, end: datetime
) -> Sequence[AlertGroup]:
    """Groups that first reached Slack in [start, end) without an incident of their own
    (an incident declared from a group is counted as the incident)."""
    query = select(AlertGroup).where(
        col(AlertGroup.first_seen_at) >= start,
        col(AlertGroup.first_seen_at) < end,
        col(AlertGroup.incident_id).is_(None),
    )
    return session.exec(query).all()


def firing_counts(session: Session) -> dict[str, int]:
    """Firing alert groups by severity."""
    query = (
        select(AlertGroup.severity, func.count())
        .where(text(FIRING_GROUP))
        .group_by(AlertGroup.severity)
    )
    return {severity: count for severity, count in session.exec(query)}


def listing(
    session: Session, *, status: str | None = None, limit: int | None = 50
) -> Sequence[AlertGroup]:
    query = select(AlertGroup)
    if status is not None:
        query = query.where(AlertGroup.status == status)
    query = query.order_by(col(AlertGroup.last_seen_at).desc(), col(AlertGroup.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()
