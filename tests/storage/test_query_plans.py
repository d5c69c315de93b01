"""The hot queries (what every sweep, scrape and command runs) read through an index, on
SQLite with and without statistics and on PostgreSQL: none scans the history tables.

The statements are the real ones: each hot path runs against a seeded database while the
SQL it sends is recorded, and the database explains each recorded SELECT."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from commands.alerts.groups import firing_counts
from commands.clock import FakeClock
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.report import incident_report
from commands.incidents.severity import Status
from commands.incidents.stats import incident_stats
from commands.oncall import reminders
from storage import incidents as incident_repo
from storage.db import Database
from storage.models import AlertGroup, Incident, SlackMessage
from tests.query_plans import PARTIAL, full_scans, recorded

NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def _seed(db: Database, closed: int) -> None:
    """Years of closed incidents and resolved alert groups, and a few open ones."""
    with db.session() as session:
        for n in range(closed):
            at = NOW - timedelta(hours=n + 1)
            incident_repo.add(session, _incident(f"INC-OLD-{n:05d}", at, Status.CLOSED))
            session.add(
                SlackMessage(
                    ref=f"incident:INC-OLD-{n:05d}", channel="C0INC", ts=f"{n}.0", posted_at=at
                )
            )
            incident_repo.add_timeline(session, f"INC-OLD-{n:05d}", at, "U1", "declared", {})
            session.add(_group(n, at, "resolved"))
        for n in range(3):
            incident_repo.add(
                session, _incident(f"INC-NEW-{n}", NOW - timedelta(minutes=40), Status.DETECTED)
            )
        session.add(_group(closed, NOW - timedelta(minutes=40), "firing"))


def _incident(id_: str, at: datetime, status: Status) -> Incident:
    done = status == Status.CLOSED
    return Incident(
        id=id_,
        title=id_,
        severity="Sev2",
        status=status.value,
        channel="#incidents",
        created_at=at,
        created_by="U1",
        acknowledged_at=at + timedelta(minutes=5) if done else None,
        resolved_at=at + timedelta(hours=1) if done else None,
        closed_at=at + timedelta(hours=2) if done else None,
        postmortem_required=done,
        postmortem_url="https://wiki.example/pm" if done else None,
        updated_at=at,
    )


def _group(n: int, at: datetime, status: str) -> AlertGroup:
    return AlertGroup(
        source="alertmanager",
        group_key=f'{{}}:{{alertname="A{n}"}}',
        group_key_hash=f"{n:064d}",
        receiver="sre-bot",
        channel="#alerts",
        status=status,
        severity="Sev2",
        common_labels={"alertname": f"A{n}"},
        common_annotations={},
        started_at=at,
        first_seen_at=at,
        last_seen_at=at,
        updated_at=at,
    )


HOT_PATHS: dict[str, Callable[[Context], object]] = {
    "incident report, last 30 days": lambda ctx: incident_report(ctx, days=30),
    "/incident ack with no ID": lambda ctx: incidents.unacknowledged(ctx, channel="C0INC"),
    "/incident list": lambda ctx: incidents.list_incidents(ctx, open_only=True),
    "/metrics": lambda ctx: (incident_stats(ctx), firing_counts(ctx)),
    "reminder sweeps": reminders.sweep,
}


def _full_scans(db: Database, ctx: Context) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, path in HOT_PATHS.items():
        with recorded(db) as statements:
            path(ctx)
        assert statements, f"{name} ran no query"
        if scans := full_scans(db, statements):
            found[name] = scans
    return found


def test_hot_queries_use_an_index_with_and_without_statistics(any_database, config):
    _seed(any_database, closed=600)
    ctx = Context(any_database, config, FakeClock(NOW))
    assert _full_scans(any_database, ctx) == {}
    # Statistics change SQLite's choices (and PostgreSQL's): the plans must hold after them.
    with any_database.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    assert _full_scans(any_database, ctx) == {}


def test_the_check_sees_a_full_scan(any_database):
    """The pattern is not vacuous: a query with no usable index is reported."""
    _seed(any_database, closed=20)
    with recorded(any_database) as statements, any_database.session() as session:
        session.exec(text("SELECT count(*) FROM incident WHERE title LIKE '%x%'"))  # type: ignore[call-overload]
    [scan] = full_scans(any_database, statements)
    assert "title LIKE" in scan


def test_the_partial_indexes_named_here_are_the_partial_ones(database):
    with database.engine.connect() as conn:
        partial = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'")
        ).scalars()
        assert set(partial) == set(PARTIAL.strip("()").split("|"))


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_the_partial_indexes_name_the_statuses_the_code_calls_open(status):
    from commands.incidents.severity import OPEN_STATUSES
    from storage.models import OPEN_INCIDENT

    assert (f"'{status}'" in OPEN_INCIDENT) == (status in OPEN_STATUSES)
