"""The retention sweep, on SQLite and PostgreSQL: what it removes, what it keeps, batches,
and one sweep a day across replicas."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import col, select

from commands.alerts import ingest
from commands.alerts.payloads import parse
from commands.config import Config, ConfigError, load_config
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.retention import sweep as retention
from commands.retention.config import RetentionConfig
from storage import leases
from storage import outbox as outbox_repo
from storage.models import (
    Alert,
    AlertGroup,
    Incident,
    OutboxMessage,
    Reminder,
    SlackMessage,
    TimelineEntry,
)
from tests.alerting import alert, iso, webhook
from tests.factories import deliver_all

DAY = timedelta(days=1)


def _keeping(ctx: Context, **retention_config) -> Context:
    config = ctx.config.model_copy(update={"retention": RetentionConfig(**retention_config)})
    return Context(ctx.db, config, ctx.clock)


@pytest.fixture
def store(any_database, config, clock) -> Context:
    return Context(any_database, config, clock)


def _deliver_all(ctx: Context) -> None:
    deliver_all(ctx.db, ctx.clock.now())


def _alert_group(ctx: Context, name: str, *, resolve: bool = True) -> int:
    key = f'{{}}:{{alertname="{name}"}}'
    starts = iso(ctx.clock.now() - timedelta(minutes=10))
    firing = alert("api-1", alertname=name, starts=starts)
    group = ingest.ingest(ctx, parse(webhook([firing], group_key=key), "alertmanager")).group_id
    if resolve:
        ends = iso(ctx.clock.now())
        done = alert("api-1", alertname=name, status="resolved", starts=starts, ends=ends)
        ingest.ingest(ctx, parse(webhook([done], group_key=key), "alertmanager"))
    with ctx.db.session() as session:
        session.add(Reminder(subject_kind="alert", subject_id=str(group), kind="ack", step=1))
    return group


def _count(ctx: Context, model, *where) -> int:
    with ctx.db.reader() as session:
        return len(session.exec(select(model).where(*where)).all())


def test_resolved_alert_groups_go_after_their_days_with_all_that_names_them(store, clock):
    old = _alert_group(store, "Old")
    clock.advance(days=60)
    recent = _alert_group(store, "Recent")
    firing = _alert_group(store, "StillFiring", resolve=False)
    _deliver_all(store)
    clock.advance(days=31)  # Old resolved 91 days ago, Recent 31

    swept = retention.sweep(store, "replica-1")

    assert swept is not None and (swept.alert_groups, swept.alerts) == (1, 1)
    with store.db.reader() as session:
        assert session.get(AlertGroup, old) is None
        assert {g.id for g in session.exec(select(AlertGroup))} == {recent, firing}
    assert _count(store, Alert, col(Alert.group_id) == old) == 0
    assert _count(store, Reminder, col(Reminder.subject_id) == str(old)) == 0
    assert _count(store, SlackMessage, col(SlackMessage.ref) == f"alert:{old}") == 0
    assert _count(store, SlackMessage, col(SlackMessage.ref) == f"alert:{recent}") == 1
    assert _count(store, Reminder) == 2


def test_a_group_with_a_message_still_owed_is_kept(store, clock):
    """Slack down for months: the resolution of the thread is still owed, so the thread stays."""
    group = _alert_group(store, "Undelivered")
    clock.advance(days=91)
    assert retention.sweep(store, "replica-1").alert_groups == 0
    _deliver_all(store)
    clock.advance(days=1)
    assert retention.sweep(store, "replica-1").alert_groups == 1
    assert _count(store, AlertGroup, col(AlertGroup.id) == group) == 0


def _closed_incident(ctx: Context, title: str, *, postmortem: str | None = "done") -> str:
    severity = "Sev1" if postmortem is not None else "Sev2"
    created = incidents.create_incident(ctx, IncidentDraft(title=title, severity=severity))
    incidents.acknowledge(ctx, created.id, "U0BOB")
    incidents.resolve(ctx, created.id, actor="U0BOB")
    if postmortem == "done":
        incidents.record_postmortem(ctx, created.id, "https://wiki.example/pm", actor="U0BOB")
    incidents.close(ctx, created.id, actor="U0BOB")
    return created.id


def test_incidents_are_kept_forever_unless_configured(store, clock):
    kept = _closed_incident(store, "kept")
    _deliver_all(store)
    clock.advance(days=3650)
    assert retention.sweep(store, "replica-1").incidents == 0
    assert incidents.get_incident(store, kept).id == kept


def test_old_closed_incidents_go_with_their_timeline_and_messages(store, clock):
    ctx = _keeping(store, closed_incidents_days=365, resolved_alerts_days=0)
    old = _closed_incident(ctx, "old")
    owes = _closed_incident(ctx, "still owes its postmortem", postmortem=None)
    group = _alert_group(ctx, "Declared")
    with ctx.db.session() as session:
        session.get(AlertGroup, group).incident_id = old
    _deliver_all(ctx)
    clock.advance(days=200)
    recent = _closed_incident(ctx, "recent")
    still_open = incidents.create_incident(ctx, IncidentDraft(title="open", severity="Sev3")).id
    _deliver_all(ctx)
    clock.advance(days=166)

    swept = retention.sweep(ctx, "replica-1")

    assert swept is not None and swept.incidents == 1 and swept.timeline_entries >= 4
    assert {i.id for i in incidents.list_incidents(ctx, limit=10)} == {owes, recent, still_open}
    assert _count(ctx, TimelineEntry, col(TimelineEntry.incident_id) == old) == 0
    ref = f"incident:{old}"  # (the next incident's ID starts the same: {old}-2)
    assert _count(ctx, SlackMessage, col(SlackMessage.ref) == ref) == 0
    assert _count(ctx, OutboxMessage, col(OutboxMessage.stream).in_([ref, f"{ref}:deadline"])) == 0
    assert _count(ctx, SlackMessage, col(SlackMessage.ref) == f"incident:{owes}") == 1
    with ctx.db.reader() as session:  # the alert group outlives the incident it declared
        assert session.get(AlertGroup, group).incident_id is None


def test_delivered_messages_go_after_their_days_and_dead_or_owed_ones_stay(store, clock):
    with store.db.session() as session:
        for n in range(3):
            outbox_repo.enqueue(
                session, stream=f"s{n}", op="post", template="t", args={}, now=clock.now()
            )
    with store.db.session() as session:
        first, second, _owed = session.exec(select(OutboxMessage.id)).all()
        now = clock.now()
        assert outbox_repo.claim(session, first, "w", now, timedelta(minutes=1))
        assert outbox_repo.mark_sent(session, first, "w", now, "1.0")
        assert outbox_repo.claim(session, second, "w", now, timedelta(minutes=1))
        assert outbox_repo.mark_dead(session, second, "w", "channel_not_found", now)
    clock.advance(days=15)
    assert retention.sweep(store, "replica-1").delivered_messages == 1
    with store.db.reader() as session:
        assert {m.state for m in session.exec(select(OutboxMessage))} == {"dead", "pending"}


def test_it_deletes_in_batches_of_the_configured_size(store, clock):
    ctx = _keeping(store, batch_size=2)
    for n in range(5):
        _alert_group(ctx, f"A{n}")
    _deliver_all(ctx)
    delivered = _count(ctx, OutboxMessage)
    clock.advance(days=91)
    swept = retention.sweep(ctx, "replica-1")
    # 2 + 2 + 1 groups; then the delivered messages, 2 at a time, until a batch is not full.
    assert (swept.alert_groups, swept.delivered_messages) == (5, delivered)
    assert swept.batches == 3 + delivered // 2 + 1


def test_one_sweep_a_day_whichever_replica_tries(store, clock):
    _alert_group(store, "Old")
    _deliver_all(store)
    clock.advance(days=91)
    assert retention.sweep(store, "replica-1").alert_groups == 1
    _alert_group(store, "Later")
    _deliver_all(store)
    clock.advance(hours=23)
    assert retention.sweep(store, "replica-2") is None
    assert retention.sweep(store, "replica-1") is None
    clock.advance(hours=1)
    assert retention.sweep(store, "replica-2") is not None


def test_a_replica_that_died_mid_sweep_is_taken_over_after_its_lease(store, clock):
    with store.db.session() as session:  # replica-1 took the lease, then died
        assert leases.acquire(session, retention.LEASE, "replica-1", clock.now(), DAY / 288)
    assert retention.sweep(store, "replica-2") is None
    assert retention.sweep(store, "replica-2", now_or_never=True) is None  # it may be alive
    clock.advance(minutes=6)
    assert retention.sweep(store, "replica-2") is not None


def test_prune_now_runs_again_the_same_day(store, clock):
    assert retention.sweep(store, "replica-1") is not None
    _alert_group(store, "Old")
    _deliver_all(store)
    clock.advance(days=91)
    with store.db.session() as session:  # the last sweep was an hour ago
        leases.settle(session, retention.LEASE, "x", clock.now(), retention.SETTLED)
        session.get(leases.Lease, retention.LEASE).expires_at = clock.now() + timedelta(hours=23)
    assert retention.sweep(store, "replica-1") is None
    assert retention.sweep(store, "cli", now_or_never=True).alert_groups == 1


def test_the_preview_counts_what_the_sweep_then_removes(store, clock):
    ctx = _keeping(store, closed_incidents_days=30)
    for n in range(3):
        _alert_group(ctx, f"A{n}")
    _closed_incident(ctx, "old")
    _deliver_all(ctx)
    clock.advance(days=91)
    preview = retention.preview(ctx)
    swept = retention.sweep(ctx, "replica-1")
    assert (preview.alert_groups, preview.alerts) == (swept.alert_groups, swept.alerts) == (3, 3)
    assert (preview.incidents, preview.timeline_entries) == (
        swept.incidents,
        swept.timeline_entries,
    )
    assert preview.delivered_messages == swept.delivered_messages > 0
    assert retention.preview(ctx) == retention.Removable(0, 0, 0, 0, 0)


def test_replicas_sweeping_at_once_remove_each_row_once(store, clock):
    ctx = _keeping(store, batch_size=3)
    for n in range(12):
        _alert_group(ctx, f"A{n}")
    _deliver_all(ctx)
    clock.advance(days=91)
    results: list = []
    start = threading.Barrier(4)

    def replica(name: str) -> None:
        start.wait()
        results.append(retention.sweep(ctx, name))

    threads = [threading.Thread(target=replica, args=(f"replica-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    swept = [r for r in results if r is not None]
    assert len(results) == 4 and len(swept) == 1
    assert swept[0].alert_groups == 12
    assert _count(ctx, AlertGroup) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("retention:\n  resolved_alerts_day: 30\n", "resolved_alerts_day"),
        ("retention:\n  delivered_messages_days: -1\n", "delivered_messages_days"),
        ("retention:\n  batch_size: 0\n", "batch_size"),
        ("retention:\n  closed_incidents_days: true\n", "closed_incidents_days"),  # not 1
        ("retention:\n  resolved_alerts_days: '30'\n", "resolved_alerts_days"),
    ],
)
def test_a_bad_retention_key_names_its_line(tmp_path, body, message):
    path = tmp_path / "sre-bot.yml"
    path.write_text("slack:\n  locale: en\n" + body)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value) and f"{path}:4" in str(caught.value)


def test_retention_defaults_keep_incidents_and_bound_the_rest():
    keep = Config().retention
    assert (keep.resolved_alerts_days, keep.delivered_messages_days) == (90, 14)
    assert keep.closed_incidents_days == 0


def test_incident_rows_are_not_touched_by_an_alert_only_sweep(store, clock):
    kept = _closed_incident(store, "kept")
    entries = _count(store, TimelineEntry, col(TimelineEntry.incident_id) == kept)
    clock.advance(days=1000)
    retention.sweep(store, "replica-1")
    assert _count(store, Incident) == 1
    assert _count(store, TimelineEntry, col(TimelineEntry.incident_id) == kept) == entries
