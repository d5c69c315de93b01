"""Every Block Kit builder, fed what people and tools really send (5,000-character titles,
Korean with emoji, markup characters, 200 alerts in a group, 60 timeline entries, 30 runbook
steps, 45 SLOs), builds what Slack accepts: each output passes the strict checker of the
local Slack, which refuses what real Slack refuses."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.local_slack.blockkit import check_message, check_view
from bot.slack.alerts import views as alert_views
from bot.slack.blocks import units
from bot.slack.health import views as health_views
from bot.slack.incidents import forms as incident_forms
from bot.slack.incidents import views as incident_views
from bot.slack.limits import MESSAGE_TEXT_MAX
from bot.slack.oncall import views as oncall_views
from bot.slack.runbooks import views as runbook_views
from bot.slack.slo import views as slo_views
from commands.alerts.groups import GroupSnapshot
from commands.config import Config, OnCallConfig, SlackConfig
from commands.health.watch import TargetStatus, Watch
from commands.incidents.lifecycle import IncidentDraft
from commands.oncall.handoff import HandoffSummary, PageCounts
from commands.oncall.rotation import Segment, Shift
from commands.runbooks.plans import PlannedStep
from commands.runbooks.runs import RunView
from commands.slo.digest import PART_SLOS, digest_parts
from commands.slo.evaluation import SloReport, SloResult, WindowNumbers
from commands.slo.specs import SliQueries, SloSpec
from storage.models import (
    Alert,
    AlertGroup,
    Incident,
    RunbookRun,
    RunbookStep,
    TimelineEntry,
    WatchState,
)
from tests.factories import pending_approval

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
CONFIG = Config(
    slack=SlackConfig(incident_channel="#incidents", timezone="Asia/Seoul"),
    oncall=OnCallConfig(members=["U0ALICE", "U0BOB"]),
)
PIECES = ["a", "Z", " ", "\n", "&", "<", ">", "*", "_", "~", "`", "|", "@", "#", ":"]
PIECES += ["한", "국", "어", "🔥", "👩‍💻", "🇰🇷", "\u200d", "e\u0301", "<!channel>", "<@U0X>"]
PIECES += ["https://example.com/a?b=c&d=e", "&amp;", "\u202e"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
# Up to 5,000 characters, built from the pieces above (a repeat keeps examples quick).
LONG = st.tuples(TEXT, st.integers(min_value=1, max_value=5000)).map(
    lambda p: (p[0] * (p[1] // max(len(p[0]), 1) + 1))[: p[1]] if p[0] else ""
)
LOCALES = st.sampled_from([Translator("en", ZoneInfo("Asia/Seoul")), Translator("ko")])
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepted(built: dict) -> dict:
    check_message(built.get("text"), built.get("blocks"))
    return built


def _incident(title: str, text: str, status: str = "investigating") -> Incident:
    return Incident(
        id="INC-20261201-001",
        title=title or "x",
        description=text,
        severity="Sev1",
        status=status,
        components=[text[:300]] * 12,
        channel="#incidents",
        created_at=AT,
        created_by="U0ALICE",
        acknowledged_by=text[:120] or None,
        acknowledged_at=AT if text else None,
        root_cause=text,
        resolution=text,
        postmortem_url=None,
        updated_at=AT,
        oncall_user="U0BOB",
    )


def _timeline(text: str, count: int) -> list[TimelineEntry]:
    kinds = [
        ("note", {"text": text}),
        ("status", {"from": "investigating", "to": "mitigated", "note": text}),
        ("root_cause", {"text": text}),
        ("runbook", {"runbook": text, "run_id": 3, "step": text, "detail": text}),
        ("alert_group", {"group_id": 1, "alertname": text}),
        ("postmortem", {"url": text}),
    ]
    return [
        TimelineEntry(
            id=i,
            incident_id="INC-20261201-001",
            at=AT + timedelta(minutes=i),
            actor=text[:120] or "U0ALICE",
            kind=kinds[i % len(kinds)][0],
            data=kinds[i % len(kinds)][1],
        )
        for i in range(count)
    ]


@FAST
@given(title=LONG, text=LONG, entries=st.integers(0, 60), t=LOCALES)
def test_incident_messages(title: str, text: str, entries: int, t: Translator) -> None:
    for status in ("investigating", "resolved", "closed"):
        incident = _incident(title, text, status)
        accepted(incident_views.announcement(incident, CONFIG, t, AT))
    incident = _incident(title, text)
    for entry in _timeline(text, entries):
        accepted(incident_views.timeline_reply(entry, t))
    accepted(incident_views.incident_list([incident] * 45, t))
    accepted(incident_views.ack_chooser([incident] * 45, t))
    timeline = _timeline(text, entries)
    draft = incident_views.postmortem_message(incident, timeline, t)
    accepted(draft)
    upload = incident_views.postmortem_file(incident, timeline, t)
    whole = incident_views.postmortem_markdown(incident, timeline, t)
    if upload is None:  # the draft fits in its message, whole
        assert units(draft["text"]) <= MESSAGE_TEXT_MAX and whole[:100] in draft["text"].replace(
            "&amp;", "&"
        ).replace("&lt;", "<").replace("&gt;", ">")
    else:  # the message points to the file, which holds the whole draft
        assert upload["content"] == whole.encode()


@FAST
@given(title=LONG, text=LONG, t=LOCALES)
def test_incident_modals(title: str, text: str, t: Translator) -> None:
    check_view(
        incident_forms.create_incident_modal(
            t, IncidentDraft(title, "Sev1", description=text, components=[text]), {"channel": "C1"}
        )
    )
    check_view(incident_forms.status_modal(t, "INC-1", "investigating"))
    check_view(incident_forms.resolve_modal(t, "INC-1"))


def _alerts(text: str, count: int, status: str) -> list[Alert]:
    return [
        Alert(
            group_id=7,
            fingerprint=f"f{i}",
            status=status,
            labels={"alertname": text[:200] or "A", "instance": f"{text[:300]}-{i}"},
            annotations={"summary": text, "description": text},
            value=text[:500],
            starts_at=AT,
            generator_url="http://prometheus:9090/graph?g0.expr=" + text[:100],
            first_seen_at=AT,
            updated_at=AT,
        )
        for i in range(count)
    ]


@FAST
@given(text=LONG, count=st.integers(1, 200), t=LOCALES)
def test_alert_messages(text: str, count: int, t: Translator) -> None:
    labels = {f"{text[:40]}{i}": text[:200] for i in range(30)}
    for status in ("firing", "resolved"):
        group = AlertGroup(
            id=7,
            source="alertmanager",
            group_key=text,
            group_key_hash="h",
            status=status,
            group_labels=labels,
            common_labels=labels,
            common_annotations={
                "summary": text,
                "description": text,
                "runbook_url": text,
                "dashboard": text,
                "value": text,
                "threshold": text,
            },
            channel="#alerts",
            severity="Sev2",
            first_seen_at=AT,
            last_seen_at=AT,
            started_at=AT,
            updated_at=AT,
            acknowledged_by=text[:120] or None,
            acknowledged_at=AT,
            incident_id=None,
            extra={"title": text, "message": text},
        )
        alerts = _alerts(text, count, status)
        firing = alerts if status == "firing" else []
        resolved = alerts if status == "resolved" else []
        snapshot = GroupSnapshot(
            group, firing, resolved, len(firing), len(resolved), runbooks=[text[:100] or "r"]
        )
        accepted(alert_views.parent_message(snapshot, CONFIG, t, AT + timedelta(hours=3)))
        check_view(alert_views.silence_modal(t, group, {"group": 7}))
    changes = {
        "fired": [{"labels": {"instance": text}}] * 50,
        "resolved": [{"labels": {"instance": text}}] * 50,
        "transition": "firing_again",
    }
    accepted(alert_views.change_reply(changes, {}, t))
    accepted(alert_views.event_reply({"event": "acknowledged", "by": text[:50]}, t))


def _run(text: str, steps: int) -> RunView:
    spec = {
        "name": text[:100] or "r",
        "approvers": ["U0SRELEAD", "S0SREONCALL"] * 10,
        "two_person_rule": True,
        "steps": [{"name": text[:200] or f"s{i}", "kind": "http"} for i in range(steps)],
    }
    run = RunbookRun(
        id=7,
        key="k",
        base_key="k",
        runbook=text[:100] or "r",
        spec=spec,
        trigger={"reason": text},
        state="awaiting_approval",
        requested_by="U0ALICE",
        channel="#alerts",
        step_index=0,
        created_at=AT,
        updated_at=AT,
    )
    rows = [
        RunbookStep(
            id=i,
            run_id=7,
            index=i,
            name=text[:200] or f"s{i}",
            kind="http",
            state=["succeeded", "failed", "waiting"][i % 3],
            idempotency_key=f"k{i}",
            result={"status": 500, "body": text, "error": text, "text": text},
            started_at=AT,
            finished_at=AT,
        )
        for i in range(steps)
    ]
    approval = pending_approval(AT)
    names = [(str(s["name"]), "http") for s in spec["steps"]]
    return RunView(run, rows, approval, names)


@FAST
@given(text=LONG, steps=st.integers(1, 30), t=LOCALES)
def test_runbook_messages(text: str, steps: int, t: Translator) -> None:
    view = _run(text, steps)
    for state in ("awaiting_approval", "running", "failed", "succeeded"):
        view.run.state = state
        accepted(runbook_views.run_message(view, t, AT))
    for row in view.steps:
        accepted(runbook_views.step_reply(view.run, row, t))
        accepted(runbook_views.notify_message(view.run, row, t))
    accepted(runbook_views.event_reply(view.run, "approved", "U0BOB", t, step=text))
    planned = [
        PlannedStep(i, text[:200] or "s", "http", [text] * 5, problem=text) for i in range(steps)
    ]
    accepted(runbook_views.plan_message(text[:100], planned, t))


def _slo(text: str, i: int, status_bad: float) -> SloResult:
    sli = SliQueries("events", error_query="e", total_query="t", gauge_query="g", op="gt", value=1)
    spec = SloSpec(
        text[:300] or "svc", f"{text[:300]}{i}", 0.999, timedelta(days=30), sli, description=text
    )
    return SloResult(
        spec,
        AT,
        WindowNumbers(status_bad, 1000.0, status_bad / 1000),
        {"5m": 0.5, "1h": 2.0, "6h": None, "3d": 1.0},
        0.5,
        AT - timedelta(days=3),
    )


@FAST
@given(text=LONG, count=st.integers(0, 45), t=LOCALES)
def test_slo_messages(text: str, count: int, t: Translator) -> None:
    results = [_slo(text, i, [0.0, 0.9, 5.0][i % 3]) for i in range(count)]
    report = SloReport(results, AT, "http://prometheus:9090")
    accepted(slo_views.report_message(report, t))
    for result in results[:3]:
        accepted(slo_views.detail_message(result, t))
    statuses = ["healthy", "warning", "exhausted", "no_data"]
    data = {
        "day": "2026-12-01",
        "slos": [
            {
                "key": f"k{i}",
                "service": text,
                "slo": f"{text}{i}",
                "status": statuses[i % 4],
                "objective": 0.999,
                "window": "30d",
                "remaining": 0.5,
                "change": -0.01,
            }
            for i in range(count)
        ],
    }
    accepted(slo_views.digest_message(data, t))
    listed = 0  # every SLO is in one part of a split digest: split, not cut
    for part in range(1, digest_parts(count) + 1):
        built = accepted(slo_views.digest_part_message(data, part, t))
        listed += sum(b["type"] == "section" for b in built["blocks"])
    assert listed == (count if count > PART_SLOS else 0)
    accepted(slo_views.digest_message({"day": "d", "error": text, "prometheus_url": text}, t))
    accepted(slo_views.digest_message({"day": "d", "config_error": text}, t))
    accepted(slo_views.status_change_message({"to": "exhausted", "slo": text}, t))


@FAST
@given(text=LONG, count=st.integers(0, 60), t=LOCALES)
def test_oncall_and_health_messages(text: str, count: int, t: Translator) -> None:
    segments = [
        Segment(
            AT + timedelta(hours=i),
            AT + timedelta(hours=i + 1),
            Shift(AT, AT, "weekday", 1, "U0ALICE"),
            "U0ALICE",
            "U0BOB",
        )
        for i in range(count * 3)
    ]
    accepted(oncall_views.schedule_message(segments, 4, CONFIG, t))
    incidents = [_incident(text, text)] * count
    summary = HandoffSummary(
        AT, AT, "U0ALICE", "U0BOB", None, AT, incidents, PageCounts(total=count), count, False
    )
    accepted(oncall_views.handoff_message(summary, CONFIG, t))
    watches = [
        TargetStatus(
            Watch(f"health:{i}", "health", text or "t", 30, 3, "#ops", runbooks=[text] * 3),
            WatchState(
                name=f"health:{i}",
                state="unhealthy",
                next_check_at=AT,
                last_error=text,
                last_body={"status": text, "checks": {text[:50]: text}},
                changed_at=AT,
            ),
        )
        for i in range(count)
    ]
    accepted(health_views.health_status(watches, t))
    for item in watches[:5]:
        accepted(health_views.health_change(item, 1, "down", t))
        accepted(health_views.health_change(item, 1, "recovered", t))
