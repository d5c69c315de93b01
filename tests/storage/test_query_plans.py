"""The hot queries (what every sweep, scrape and command runs) read through an index, on
SQLite with and without statistics and on PostgreSQL: none scans the history tables.

The statements are the real ones: each hot path runs against a seeded database while the
SQL it sends is recorded, and the database explains each recorded SELECT."""

from collections.abc import Callable
from datetime import UTC, datetime

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
from commands.retention import sweep as retention
from commands.retention.config import RetentionConfig
from storage import outbox
from storage.db import Database
from tests.history import seed, seed_outbox
from tests.query_plans import PARTIAL, SEARCHED_ONLY, full_scans, plans, recorded

NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def _retention(ctx: Context) -> Context:
    """Every kind of history with a limit (incidents have none by default)."""
    keep = RetentionConfig(closed_incidents_days=30, resolved_alerts_days=5)
    return Context(ctx.db, ctx.config.model_copy(update={"retention": keep}), ctx.clock)


def _outbox(ctx: Context) -> None:
    """What /metrics, readiness and the delivery loop ask the outbox every few seconds."""
    with ctx.db.reader() as session:
        now = ctx.clock.now()
        outbox.backlog(session, now)
        outbox.due_count(session, now)
        outbox.dead_count(session)
        outbox.latest_dead(session, 5)
        outbox.stream_heads(session, now, 2000)


HOT_PATHS: dict[str, Callable[[Context], object]] = {
    "incident report, last 30 days": lambda ctx: incident_report(ctx, days=30),
    "/incident ack with no ID": lambda ctx: incidents.unacknowledged(ctx, channel="C0INC"),
    "/incident list": lambda ctx: incidents.list_incidents(ctx, open_only=True),
    "/metrics": lambda ctx: (incident_stats(ctx), firing_counts(ctx)),
    "reminder sweeps": reminders.sweep,
    "outbox gauges and delivery": _outbox,
    "retention sweep": lambda ctx: retention.sweep(_retention(ctx), "w", now_or_never=True),
    "db stats (what retention would remove)": lambda ctx: retention.preview(_retention(ctx)),
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
    seed(any_database, NOW, 600, groups=600, firing=1)
    seed_outbox(any_database, NOW, delivered=5000, owed=20)
    ctx = Context(any_database, config, FakeClock(NOW))
    assert _full_scans(any_database, ctx) == {}
    # Statistics change SQLite's choices (and PostgreSQL's): the plans must hold after them.
    with any_database.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    assert _full_scans(any_database, ctx) == {}


def test_the_report_for_a_period_reads_the_period_with_statistics(database, config):
    """The durations' indexes serve the all-time medians; a period's are read by period."""
    seed(database, NOW, 600)
    with database.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    ctx = Context(database, config, FakeClock(NOW))
    with recorded(database) as statements:
        incident_report(ctx, days=30)
    used = "\n".join(plan for _, plan in plans(database, statements))
    assert "ix_incident_report" in used
    assert "ix_incident_ack_seconds" not in used and "ix_incident_resolve_seconds" not in used


def test_the_check_sees_a_full_scan(any_database):
    """The pattern is not vacuous: a query with no usable index is reported."""
    seed(any_database, NOW, 20)
    with recorded(any_database) as statements, any_database.session() as session:
        session.exec(text("SELECT count(*) FROM incident WHERE title LIKE '%x%'"))  # type: ignore[call-overload]
    [scan] = full_scans(any_database, statements)
    assert "title LIKE" in scan


def test_the_partial_indexes_named_here_are_the_partial_ones(database):
    with database.engine.connect() as conn:
        partial = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'")
        ).scalars()
        assert set(partial) == {*PARTIAL.strip("()").split("|"), *SEARCHED_ONLY}


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_the_partial_indexes_name_the_statuses_the_code_calls_open(status):
    from commands.incidents.severity import OPEN_STATUSES
    from storage.models import OPEN_INCIDENT

    assert (f"'{status}'" in OPEN_INCIDENT) == (status in OPEN_STATUSES)
