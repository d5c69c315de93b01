import random
from datetime import UTC, datetime, timedelta
from statistics import mean, median

import pytest

from commands.clock import FakeClock
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.incidents.report import incident_report
from commands.incidents.severity import SEVERITY_NAMES, Status
from storage import incidents as repo
from storage.models import Incident


def test_report_counts_mtta_mttr_targets_and_owed_postmortems(ctx, clock):
    # Sev1 acked after 10 minutes (within 15), resolved after 60, closed: postmortem owed.
    a = incidents.create_incident(
        ctx, IncidentDraft(title="API down", severity="Sev1", created_by="U1")
    )
    clock.advance(minutes=10)
    incidents.acknowledge(ctx, a.id, "U2")
    clock.advance(minutes=50)
    incidents.resolve(ctx, a.id, actor="U2")
    incidents.close(ctx, a.id, actor="U2")
    # Sev1 acked after 20 minutes (late), resolved after 40.
    b = incidents.create_incident(
        ctx, IncidentDraft(title="DB unreachable", severity="Sev1", created_by="U1")
    )
    clock.advance(minutes=20)
    incidents.acknowledge(ctx, b.id, "U3")
    clock.advance(minutes=20)
    incidents.resolve(ctx, b.id, actor="U3")
    # Sev3 never acked, past its 60-minute target: due and missed.
    incidents.create_incident(ctx, IncidentDraft(title="cache", severity="Sev3", created_by="U1"))
    clock.advance(minutes=61)
    # Sev4 still inside its 4-hour target: not yet due.
    incidents.create_incident(ctx, IncidentDraft(title="ui", severity="Sev4", created_by="U1"))

    report = incident_report(ctx)
    assert report.total == 4
    assert report.by_severity == {"Sev1": 2, "Sev2": 0, "Sev3": 1, "Sev4": 1}
    assert report.by_status["closed"] == 1
    assert report.by_status["resolved"] == 1
    assert report.by_status["detected"] == 2
    sev1, sev2, sev3, sev4 = report.severities
    assert sev1.mtta_seconds == 15 * 60  # mean of 10 and 20 minutes
    assert sev1.mttr_seconds == 50 * 60  # mean of 60 and 40 minutes
    assert (sev1.ack_within_target, sev1.ack_due) == (1, 2)
    assert sev1.ack_within_target_ratio == 0.5
    assert sev2.count == 0 and sev2.mtta_seconds is None and sev2.ack_within_target_ratio is None
    assert (sev3.ack_within_target, sev3.ack_due) == (0, 1)
    assert (sev4.ack_due, sev4.target_minutes) == (0, 240)
    assert [i.id for i in report.postmortems_owed] == [a.id]

    incidents.record_postmortem(ctx, a.id, "https://wiki.example/pm/a", actor="U2")
    assert incident_report(ctx).postmortems_owed == []


def test_report_json_shape(ctx):
    incidents.create_incident(ctx, IncidentDraft(title="x", severity="Sev2", created_by="U1"))
    data = incident_report(ctx, days=7).as_json()
    assert data["total"] == 1
    assert data["since"].endswith("Z")
    assert set(data["severities"]["Sev2"]) >= {
        "count",
        "mtta_seconds",
        "mttr_seconds",
        "ack_within_target_ratio",
        "target_minutes",
    }
    assert data["postmortems_owed"] == []


def test_period_filter_keeps_owed_postmortems(ctx, clock):
    old = incidents.create_incident(
        ctx, IncidentDraft(title="old", severity="Sev2", created_by="U1")
    )
    incidents.resolve(ctx, old.id, actor="U1")
    incidents.close(ctx, old.id, actor="U1")
    clock.advance(days=40)
    report = incident_report(ctx, days=30)
    assert report.total == 0
    assert [i.id for i in report.postmortems_owed] == [old.id]


def _reference(rows: list[Incident], now: datetime, since: datetime | None, config) -> dict:
    """The report counted by hand, one incident at a time, as a person would."""
    rows = [i for i in rows if since is None or i.created_at >= since]
    figures = {}
    for name in SEVERITY_NAMES:
        target = timedelta(minutes=config.response_minutes(name))
        group = [i for i in rows if i.severity == name]
        to_ack = [
            (i.acknowledged_at - i.created_at).total_seconds() for i in group if i.acknowledged_at
        ]
        to_fix = [(i.resolved_at - i.created_at).total_seconds() for i in group if i.resolved_at]
        figures[name] = {
            "count": len(group),
            "acknowledged": len(to_ack),
            "mtta": round(mean(to_ack), 1) if to_ack else None,
            "mtta_median": round(median(to_ack), 1) if to_ack else None,
            "resolved": len(to_fix),
            "mttr": round(mean(to_fix), 1) if to_fix else None,
            "mttr_median": round(median(to_fix), 1) if to_fix else None,
            "due": sum(1 for i in group if i.acknowledged_at or now - i.created_at > target),
            "within": sum(1 for s in to_ack if s <= target.total_seconds()),
        }
    statuses = {s.value: sum(1 for i in rows if i.status == s) for s in Status}
    return {"figures": figures, "statuses": statuses, "total": len(rows)}


@pytest.mark.parametrize("days", [None, 30])
def test_the_report_counted_in_sql_is_the_report_counted_by_hand(any_database, config, days):
    """Random incidents with microsecond times, acknowledgements exactly at the target
    among them."""
    shuffle = random.Random(20261203)
    now = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
    rows = []
    for n in range(400):
        severity = shuffle.choice([*SEVERITY_NAMES, "Sev1", "Sev2"])
        created = now - timedelta(
            days=shuffle.uniform(0, 90), microseconds=shuffle.randrange(10**6)
        )
        target = timedelta(minutes=config.response_minutes(severity))
        acked = shuffle.choice(
            [None, created + target, created + timedelta(seconds=shuffle.uniform(1, 9000))]
        )
        resolved = acked + timedelta(seconds=shuffle.uniform(1, 90000)) if acked and n % 3 else None
        status = shuffle.choice(list(Status)) if resolved is None else Status.RESOLVED
        if resolved and n % 5 == 0:
            status = Status.CLOSED
        rows.append(_incident(f"INC-{n:04d}", severity, status, created, acked, resolved))
    with any_database.session() as session:
        for row in rows:
            repo.add(session, row)
    ctx = Context(any_database, config, FakeClock(now))

    report = incident_report(ctx, days=days)
    expected = _reference(rows, now, report.since, config)
    assert report.total == expected["total"]
    assert {k: v for k, v in report.by_status.items()} == expected["statuses"]
    assert report.by_severity == {n: expected["figures"][n]["count"] for n in SEVERITY_NAMES}
    for stats in report.severities:
        want = expected["figures"][stats.severity]
        got = {
            "count": stats.count,
            "acknowledged": stats.acknowledged,
            "mtta": stats.mtta_seconds,
            "mtta_median": stats.mtta_median_seconds,
            "resolved": stats.resolved,
            "mttr": stats.mttr_seconds,
            "mttr_median": stats.mttr_median_seconds,
            "due": stats.ack_due,
            "within": stats.ack_within_target,
        }
        # Means and medians to the tenth of a second shown, within SQLite's millisecond.
        assert got == {k: pytest.approx(v, abs=0.051) if v else v for k, v in want.items()}


def _incident(id_: str, severity: str, status: Status, created, acked, resolved) -> Incident:
    return Incident(
        id=id_,
        title=id_,
        severity=severity,
        status=status.value,
        channel="#incidents",
        created_at=created,
        created_by="U1",
        acknowledged_at=acked,
        acknowledged_by="U2" if acked else None,
        resolved_at=resolved,
        ack_seconds=(acked - created).total_seconds() if acked else None,
        resolve_seconds=(resolved - created).total_seconds() if resolved else None,
        closed_at=resolved if status == Status.CLOSED else None,
        postmortem_required=status == Status.CLOSED,
        updated_at=created,
    )


def test_a_reopened_incident_counts_from_its_last_resolution(ctx, clock):
    created = incidents.create_incident(ctx, IncidentDraft(title="flaky", severity="Sev3"))
    clock.advance(minutes=5)
    incidents.set_status(ctx, created.id, "investigating", actor="U2")  # acknowledges it
    clock.advance(minutes=5)
    incidents.resolve(ctx, created.id, actor="U2")
    clock.advance(minutes=2)
    incidents.set_status(ctx, created.id, "investigating", actor="U2")  # it came back
    [sev3] = [s for s in incident_report(ctx).severities if s.severity == "Sev3"]
    assert (sev3.acknowledged, sev3.mtta_seconds, sev3.resolved) == (1, 300.0, 0)
    clock.advance(minutes=8)
    incidents.resolve(ctx, created.id, actor="U2")
    [sev3] = [s for s in incident_report(ctx).severities if s.severity == "Sev3"]
    assert (sev3.resolved, sev3.mttr_seconds, sev3.mttr_median_seconds) == (1, 1200.0, 1200.0)
