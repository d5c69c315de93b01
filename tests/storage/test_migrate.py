from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from commands.clock import FakeClock
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from storage.db import Database
from storage.migrate import current_revision, upgrade


def test_upgrade_creates_every_table_and_is_idempotent(any_database):
    tables = set(inspect(any_database.engine).get_table_names())
    assert {
        "incident",
        "timeline_entry",
        "outbox_message",
        "slack_message",
        "lease",
        "slack_event_seen",
        "incident_id_counter",
        "alert_group",
        "alert",
        "slo_state",
        "slo_snapshot",
        "digest_run",
        "slo_chart",
        "runbook_run",
        "runbook_step",
        "runbook_approval",
        "watch_state",
        "alembic_version",
    } <= tables
    head = current_revision(any_database)
    upgrade(any_database)
    assert current_revision(any_database) == head == "0012"


def test_upgrade_from_the_first_schema_keeps_incidents_and_continues_their_ids(
    database_url, config
):
    db = Database(database_url)
    upgrade(db, "0001")
    with db.engine.begin() as conn:
        for suffix in ("", "-2", "-3"):
            conn.execute(
                text(
                    "INSERT INTO incident (id, title, description, severity, status, components,"
                    " channel, created_at, created_by, postmortem_required, updated_at) VALUES"
                    " (:id, 'old', '', 'Sev3', 'detected', '[]', '#incidents', :at, 'U1', false,"
                    " :at)"
                ),
                {
                    "id": f"INC-20260105-103000{suffix}",
                    "at": datetime(2026, 1, 5, 1, 30, tzinfo=UTC),
                },
            )
    upgrade(db)
    assert current_revision(db) == "0012"
    clock = FakeClock(datetime(2026, 1, 5, 1, 30, tzinfo=UTC))
    created = incidents.create_incident(
        Context(db, config, clock), IncidentDraft(title="new", severity="Sev3", created_by="U1")
    )
    assert created.id == "INC-20260105-103000-4"
    assert len(incidents.list_incidents(Context(db, config, clock))) == 4
    db.dispose()


def test_the_migrations_build_the_schema_the_models_describe(any_database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401  (the tables)

    with any_database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_counts_the_acknowledgements_made_before_it(database_url, config):
    """/metrics reads counters kept at each acknowledgement; the migration that adds them
    counts the incidents acknowledged before, into the same buckets."""
    from commands.incidents.stats import incident_stats

    db = Database(database_url)
    upgrade(db, "0009")
    declared = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    delays = {"A": 45, "B": 300, "C": 301.5, "D": 90_000, "E": None}
    with db.engine.begin() as conn:
        for name, delay in delays.items():
            acked = declared + timedelta(seconds=delay) if delay is not None else None
            conn.execute(
                text(
                    "INSERT INTO incident (id, title, description, severity, status, components,"
                    " channel, created_at, created_by, acknowledged_at, postmortem_required,"
                    " updated_at) VALUES (:id, 'old', '', 'Sev2', 'closed', '[]', '#incidents',"
                    " :at, 'U1', :acked, false, :at)"
                ),
                {"id": f"INC-20260105-100000-{name}", "at": declared, "acked": acked},
            )
    upgrade(db)
    clock = FakeClock(declared + timedelta(days=2))
    ctx = Context(db, config, clock)
    created = incidents.create_incident(ctx, IncidentDraft(title="new", severity="Sev2"))
    clock.advance(seconds=30)
    incidents.acknowledge(ctx, created.id, "U2")

    sev2 = incident_stats(ctx).mtta_histograms["Sev2"]
    assert sev2.count == 5
    assert sev2.total_seconds == pytest.approx(45 + 300 + 301.5 + 90_000 + 30, abs=0.01)
    cumulative = dict(sev2.cumulative)
    assert (cumulative[60], cumulative[300], cumulative[600], cumulative[86400]) == (2, 3, 4, 4)
    db.dispose()


def test_head_is_alembics_head():
    """ensure_schema skips Alembic when the database is at HEAD: HEAD must be the newest."""
    from alembic.script import ScriptDirectory

    from storage.migrate import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_ensure_schema_creates_a_new_database_and_leaves_a_current_one(tmp_path):
    from storage.migrate import HEAD, ensure_schema

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    ensure_schema(db)
    assert current_revision(db) == HEAD
    ensure_schema(db)  # one SELECT, nothing to do
    assert current_revision(db) == HEAD
    db.dispose()


def test_upgrading_keeps_each_incidents_durations_for_the_report(database_url, config):
    """0012 computes the time to acknowledge and to resolve of the incidents already there,
    so the report's means and medians are the same before and after."""
    from commands.incidents.report import incident_report

    db = Database(database_url)
    upgrade(db, "0011")
    declared = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    rows = {"A": (60, 600), "B": (120.5, 3600), "C": (None, None), "D": (30, None)}
    with db.engine.begin() as conn:
        for name, (ack, resolve) in rows.items():
            at = {
                "acked": declared + timedelta(seconds=ack) if ack is not None else None,
                "resolved": declared + timedelta(seconds=resolve) if resolve else None,
            }
            conn.execute(
                text(
                    "INSERT INTO incident (id, title, description, severity, status, components,"
                    " channel, created_at, created_by, acknowledged_at, resolved_at,"
                    " postmortem_required, updated_at) VALUES (:id, 'old', '', 'Sev2',"
                    " 'resolved', '[]', '#incidents', :at, 'U1', :acked, :resolved, false, :at)"
                ),
                {"id": f"INC-20260105-100000-{name}", "at": declared, **at},
            )
    upgrade(db)
    ctx = Context(db, config, FakeClock(declared + timedelta(days=1)))
    [sev2] = [s for s in incident_report(ctx).severities if s.severity == "Sev2"]
    assert (sev2.acknowledged, sev2.resolved) == (3, 2)
    assert sev2.mtta_seconds == pytest.approx((60 + 120.5 + 30) / 3, abs=0.05)  # in tenths
    assert sev2.mtta_median_seconds == pytest.approx(60, abs=0.01)
    assert sev2.mttr_median_seconds == pytest.approx((600 + 3600) / 2, abs=0.01)
    db.dispose()
