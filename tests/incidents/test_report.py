from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.incidents.report import incident_report


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
