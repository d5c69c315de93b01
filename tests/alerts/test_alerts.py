"""Alert groups at the use-case level: ingest, dedup, routes, incidents, acks, silences."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event
from sqlmodel import select

from commands.alerts import actions, groups, ingest
from commands.alerts.payloads import PayloadError, parse
from commands.config import Config, SlackConfig, load_config
from commands.context import Context
from commands.errors import CommandError, ConfigError, Conflict
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.notices import Template
from storage.models import Alert, AlertGroup
from tests.alerting import alert, webhook
from tests.conftest import free_port
from tests.factories import outbox_rows


def _ops(ctx, group_id: int) -> list[tuple[str, str]]:
    return [(m.op, m.template) for m in outbox_rows(ctx, stream=f"alert:{group_id}")]


def _ingest(ctx, payload: dict, source: str = "alertmanager") -> ingest.IngestResult:
    return ingest.ingest(ctx, parse(payload, source))  # type: ignore[arg-type]


def _with(ctx, **alert_config) -> Context:
    config = Config(slack=SlackConfig(timezone="Asia/Seoul"), alerts=alert_config)
    return Context(ctx.db, config, ctx.clock)


# --- one group, one thread ---------------------------------------------------------------


def test_first_notification_opens_a_group_and_owes_its_parent_message(ctx):
    result = _ingest(ctx, webhook([alert("api-1")]))
    assert result.created and result.status == "firing"
    group = groups.get_group(ctx, result.group_id)
    assert group.channel == "#alerts"  # slack.alert_channel
    assert group.severity == "Sev2"  # severity=critical
    assert group.common_annotations["runbook"] == "api_high_error_rate"
    assert _ops(ctx, result.group_id) == [("post", Template.ALERT_GROUP)]
    [post] = outbox_rows(ctx)
    assert post.ref == f"alert:{result.group_id}" and post.channel == "#alerts"


def test_a_repeated_notification_owes_nothing(ctx):
    payload = webhook([alert("api-1"), alert("api-2")])
    first = _ingest(ctx, payload)
    for _ in range(3):
        again = _ingest(ctx, payload)
        assert again.group_id == first.group_id
        assert not again.created and not again.changed
    assert _ops(ctx, first.group_id) == [("post", Template.ALERT_GROUP)]


def test_a_new_alert_firing_owes_one_update_and_one_reply(ctx):
    first = _ingest(ctx, webhook([alert("api-1")]))
    second = _ingest(ctx, webhook([alert("api-1"), alert("api-2", value="7%")]))
    assert second.changed and second.group_id == first.group_id
    assert _ops(ctx, first.group_id) == [
        ("post", Template.ALERT_GROUP),
        ("update", Template.ALERT_GROUP),
        ("reply", Template.ALERT_CHANGE),
    ]
    reply = outbox_rows(ctx)[-1]
    assert reply.thread_ref == f"alert:{first.group_id}"
    assert reply.args["firing_count"] == 1
    assert reply.args["firing"] == [{"labels": {"instance": "api-2"}, "value": "7%"}]
    snapshot = groups.group_snapshot(ctx, first.group_id)
    assert (snapshot.firing_count, snapshot.resolved_count) == (2, 0)


def test_resolving_one_then_all_records_how_long_it_lasted(ctx, clock):
    first = _ingest(ctx, webhook([alert("api-1"), alert("api-2")]))
    clock.advance(minutes=5)
    _ingest(ctx, webhook([alert("api-1", status="resolved"), alert("api-2")]))
    reply = outbox_rows(ctx)[-1]
    assert reply.args["resolved_count"] == 1 and reply.args["transition"] == ""
    assert groups.get_group(ctx, first.group_id).status == "firing"
    clock.advance(minutes=5)
    done = _ingest(
        ctx,
        webhook(
            [
                alert("api-2", status="resolved", ends="2026-01-05T01:45:00Z"),
            ]
        ),
    )
    assert done.status == "resolved" and done.changed
    group = groups.get_group(ctx, first.group_id)
    assert group.status == "resolved"
    assert (group.resolved_at - group.started_at).total_seconds() == 20 * 60  # 01:25 -> 01:45
    reply = outbox_rows(ctx)[-1]
    assert reply.args["transition"] == "resolved"
    assert reply.args["lasted_seconds"] == 20 * 60
    # the resolved notification repeated: nothing more
    assert not _ingest(ctx, webhook([alert("api-2", status="resolved")])).changed
    assert len(_ops(ctx, first.group_id)) == 5


def test_firing_again_starts_a_new_episode(ctx, clock):
    first = _ingest(ctx, webhook([alert("api-1")]))
    actions.acknowledge(ctx, first.group_id, "U0ALICE")
    _ingest(ctx, webhook([alert("api-1", status="resolved")]))
    clock.advance(hours=2)
    again = _ingest(ctx, webhook([alert("api-1", starts="2026-01-05T03:29:00Z")]))
    assert again.changed and again.status == "firing"
    group = groups.get_group(ctx, first.group_id)
    assert group.resolved_at is None and group.acknowledged_at is None
    assert group.started_at.isoformat() == "2026-01-05T03:29:00+00:00"
    assert outbox_rows(ctx)[-1].args["transition"] == "firing_again"


def test_a_firing_alert_missing_from_a_notification_has_resolved(ctx):
    first = _ingest(ctx, webhook([alert("api-1"), alert("api-2")]))
    _ingest(ctx, webhook([alert("api-2")]))  # api-1 left the group (send_resolved: false)
    snapshot = groups.group_snapshot(ctx, first.group_id)
    assert [a.labels["instance"] for a in snapshot.resolved] == ["api-1"]
    assert outbox_rows(ctx)[-1].args["resolved_count"] == 1
    # ...unless the notification says it left alerts out
    second = _ingest(ctx, webhook([alert("api-2")], group_key="g2", truncated=0))
    _ingest(ctx, webhook([alert("api-2"), alert("api-3")], group_key="g2"))
    _ingest(ctx, webhook([alert("api-3")], group_key="g2", truncated=1))
    assert groups.group_snapshot(ctx, second.group_id).firing_count == 2


def test_a_truncated_group_that_grows_updates_its_parent_without_a_reply(ctx):
    result = _ingest(ctx, webhook([alert("api-1"), alert("api-2")], truncated=3))
    group = groups.get_group(ctx, result.group_id)
    assert (group.notified_alerts, group.truncated_alerts) == (2, 3)
    again = _ingest(ctx, webhook([alert("api-1"), alert("api-2")], truncated=7))
    assert not again.changed
    assert groups.get_group(ctx, result.group_id).truncated_alerts == 7
    assert _ops(ctx, result.group_id)[-1] == ("update", Template.ALERT_GROUP)
    assert ("reply", Template.ALERT_CHANGE) not in _ops(ctx, result.group_id)
    _ingest(ctx, webhook([alert("api-1"), alert("api-2")], truncated=7))  # the same again
    assert len(_ops(ctx, result.group_id)) == 2


def test_the_same_alert_twice_in_one_payload_counts_once(ctx):
    result = _ingest(ctx, webhook([alert("api-1"), alert("api-1", value="3%")]))
    snapshot = groups.group_snapshot(ctx, result.group_id)
    assert snapshot.firing_count == 1 and snapshot.firing[0].value == "3%"


def test_ingest_writes_alerts_in_bulk_statements(ctx):
    """A storm's notifications carry hundreds of alerts: their cost must not be one
    statement per alert."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        _ingest(ctx, webhook([alert(f"api-{n}") for n in range(500)]))
        inserted = len(statements)
        statements.clear()
        _ingest(
            ctx,
            webhook(
                [alert(f"api-{n}", status="resolved") for n in range(250)]
                + [alert(f"api-{n}") for n in range(250, 600)]
            ),
        )
        updated = len(statements)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    assert inserted < 15 and updated < 15, (inserted, updated)
    snapshot = groups.group_snapshot(ctx, 1)
    assert (snapshot.firing_count, snapshot.resolved_count) == (350, 250)


# --- routes --------------------------------------------------------------------------------


def test_routes_pick_channel_severity_and_mentions_first_match_wins(ctx):
    routed = _with(
        ctx,
        routes=[
            {
                "match": {"team": "llm"},
                "match_re": {"mode": "creative|balanced"},
                "channel": "#llm-alerts",
                "mention": ["U0ONCALL", "S0LLMTEAM"],
            },
            {"match": {"team": "llm"}, "channel": "#llm-other", "severity": "sev4"},
        ],
    )
    labels = {"team": "llm", "mode": "creative"}
    first = _ingest(
        routed, webhook([alert("q1", labels=labels)], group_key="a", common_labels=labels)
    )
    group = groups.get_group(routed, first.group_id)
    assert (group.channel, group.mentions, group.severity) == (
        "#llm-alerts",
        ["U0ONCALL", "S0LLMTEAM"],
        "Sev3",  # no severity label in these common labels: alerts.default_severity
    )
    other = {"team": "llm", "mode": "fast"}
    second = _ingest(
        routed, webhook([alert("q2", labels=other)], group_key="b", common_labels=other)
    )
    group = groups.get_group(routed, second.group_id)
    assert (group.channel, group.severity) == ("#llm-other", "Sev4")


@pytest.mark.parametrize(
    ("label", "severity"),
    [("page", "Sev1"), ("critical", "Sev2"), ("warning", "Sev3"), ("info", "Sev4"), ("?", "Sev3")],
)
def test_severity_label_maps_to_the_guides_levels(ctx, label, severity):
    result = _ingest(ctx, webhook([alert("x", severity=label)]))
    assert groups.get_group(ctx, result.group_id).severity == severity


def test_a_route_that_declares_an_incident_does_so_once_and_links_both_ways(ctx):
    routed = _with(ctx, routes=[{"match": {"severity": "critical"}, "declare_incident": "Sev2"}])
    first = _ingest(routed, webhook([alert("api-1")]))
    assert first.incident_id is not None
    for payload in (
        webhook([alert("api-1")]),
        webhook([alert("api-1"), alert("api-2")]),
        webhook([alert("api-1", status="resolved"), alert("api-2", status="resolved")]),
        webhook([alert("api-1")]),  # firing again: still the same incident
    ):
        assert _ingest(routed, payload).incident_id is None
    [incident] = incidents.list_incidents(routed)
    assert incident.id == first.incident_id and incident.severity == "Sev2"
    assert incident.title == "HighErrorRate: API error rate above 1%"
    assert incident.created_by == "Alertmanager"
    assert groups.get_group(routed, first.group_id).incident_id == incident.id
    kinds = [(e.kind, e.data) for e in incidents.get_timeline(routed, incident.id)[1]]
    assert kinds[-1] == (
        "alert_group",
        {"group_id": first.group_id, "alertname": "HighErrorRate", "source": "alertmanager"},
    )
    events = [
        m.args
        for m in outbox_rows(routed, stream=f"alert:{first.group_id}")
        if m.template == "alert.event"
    ]
    assert events == [
        {
            "group_id": first.group_id,
            "kind": "incident",
            "who": "Alertmanager",
            "incident_id": incident.id,
        }
    ]


# --- nothing twice, across replicas ---------------------------------------------------------


@pytest.fixture
def shared_ctx(any_database, clock):
    config = Config(
        slack=SlackConfig(timezone="Asia/Seoul"),
        alerts={"routes": [{"match": {"severity": "critical"}, "declare_incident": "Sev2"}]},
    )
    return Context(any_database, config, clock)


def _race(count: int, work):
    barrier = threading.Barrier(count)

    def run(n: int):
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_replicas_receiving_the_same_notifications_make_one_thread(shared_ctx):
    ctx = shared_ctx
    payload = webhook([alert("api-1")])
    results = _race(8, lambda n: _ingest(ctx, payload))
    assert len({r.group_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert sum(r.incident_id is not None for r in results) == 1
    group_id = results[0].group_id
    grown = webhook([alert("api-1"), alert("api-2")])
    results = _race(8, lambda n: _ingest(ctx, grown))
    assert sum(r.changed for r in results) == 1
    ops = [op for op, template in _ops(ctx, group_id) if template != "alert.event"]
    assert ops == ["post", "update", "reply"]
    assert len(incidents.list_incidents(ctx)) == 1
    with ctx.db.reader() as session:
        assert len(session.exec(select(AlertGroup)).all()) == 1
        assert len(session.exec(select(Alert)).all()) == 2


def test_eight_people_acknowledge_at_once_one_wins(shared_ctx):
    ctx = shared_ctx
    group_id = _ingest(ctx, webhook([alert("api-1")])).group_id
    results = _race(8, lambda n: actions.acknowledge(ctx, group_id, f"U0PERSON{n}"))
    winners = [r for r in results if r.acknowledged]
    assert len(winners) == 1
    assert all(r.group.acknowledged_by == winners[0].group.acknowledged_by for r in results)
    acks = [
        m
        for m in outbox_rows(ctx, stream=f"alert:{group_id}")
        if m.args.get("kind") == "acknowledged"
    ]
    assert len(acks) == 1


def test_declaring_from_the_button_twice_at_once_makes_one_incident(shared_ctx):
    ctx = Context(shared_ctx.db, Config(), shared_ctx.clock)  # no auto-declaring route
    group_id = _ingest(ctx, webhook([alert("api-1")])).group_id

    def declare(n: int):
        try:
            return actions.declare_incident(
                ctx, group_id, IncidentDraft(title=f"t{n}", severity="Sev2", created_by=f"U0P{n}")
            )
        except Conflict as conflict:
            return conflict

    results = _race(4, declare)
    made = [r for r in results if not isinstance(r, Conflict)]
    assert len(made) == 1
    assert all(r.key == "alert.already_declared" for r in results if isinstance(r, Conflict))
    assert groups.get_group(ctx, group_id).incident_id == made[0].id


# --- acknowledge, declare, silence -----------------------------------------------------------


def test_acknowledging_a_resolved_group_is_refused(ctx):
    group_id = _ingest(ctx, webhook([alert("api-1", status="resolved")])).group_id
    with pytest.raises(Conflict) as raised:
        actions.acknowledge(ctx, group_id, "U0ALICE")
    assert raised.value.key == "alert.not_firing"


def test_unknown_group_is_not_found(ctx):
    with pytest.raises(CommandError) as raised:
        actions.acknowledge(ctx, groups.parse_group_id("999"), "U0ALICE")
    assert raised.value.key == "alert.not_found"
    with pytest.raises(CommandError):
        groups.parse_group_id("12; drop table")


def test_the_incident_draft_comes_from_the_group(ctx):
    group_id = _ingest(
        ctx,
        webhook(
            [alert("api-1", labels={"service": "api"})],
            common_labels={"alertname": "HighErrorRate", "severity": "critical", "service": "api"},
            common_annotations={"summary": "API error rate above 1%", "description": "5xx up"},
        ),
    ).group_id
    draft = actions.draft_incident(ctx, group_id)
    assert draft.title == "HighErrorRate: API error rate above 1%"
    assert draft.severity == "Sev2"
    assert draft.description.startswith("5xx up\nLabels: alertname=HighErrorRate")
    assert draft.components == ["api"]


def test_silence_needs_an_alertmanager_url_and_common_labels(ctx):
    group_id = _ingest(ctx, webhook([alert("api-1")])).group_id
    with pytest.raises(CommandError) as raised:
        actions.silence(ctx, group_id, hours=1, user="U0A", created_by="a", comment="c")
    assert raised.value.key == "alert.silence_unconfigured"
    configured = _with(ctx, alertmanager_url="http://127.0.0.1:9")
    bare = _ingest(configured, webhook([alert("x")], group_key="bare", common_labels={}))
    with pytest.raises(CommandError) as raised:
        actions.silence(configured, bare.group_id, hours=1, user="U0A", created_by="a", comment="")
    assert raised.value.key == "alert.silence_no_labels"
    with pytest.raises(CommandError) as raised:
        actions.silence(configured, group_id, hours=0, user="U0A", created_by="a", comment="")
    assert raised.value.key == "alert.silence_bad_duration"


def test_an_unreachable_alertmanager_is_told_in_the_thread(ctx):
    configured = _with(ctx, alertmanager_url=f"http://127.0.0.1:{free_port()}")
    group_id = _ingest(configured, webhook([alert("api-1")])).group_id
    result = actions.silence(
        configured, group_id, hours=4, user="U0ALICE", created_by="alice", comment="deploy"
    )
    assert result.silence_id is None and "cannot reach" in (result.error or "")
    last = outbox_rows(configured)[-1]
    assert (last.op, last.args["kind"]) == ("reply", "silence_failed")
    assert groups.get_group(configured, group_id).silence_id is None


# --- payloads and config ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "must be a JSON object"),
        ({**webhook([alert("a")]), "version": "3"}, "version: webhook payload version '3'"),
        ({**webhook([alert("a")]), "alerts": []}, "alerts: List should have at least 1 item"),
        ({k: v for k, v in webhook([alert("a")]).items() if k != "groupKey"}, "groupKey: Field"),
        (webhook([{**alert("a"), "status": "burning"}]), "alerts.0.status: Input should be"),
        (webhook([{**alert("a"), "labels": {"n": 1}}]), "alerts.0.labels.n: Input should be"),
        (webhook([{**alert("a"), "startsAt": "yesterday"}]), "alerts.0.startsAt:"),
    ],
)
def test_payload_problems_name_the_field(payload, reason):
    with pytest.raises(PayloadError) as raised:
        parse(payload, "alertmanager")
    assert reason in str(raised.value)


def test_grafana_version_1_is_accepted_only_on_its_own_endpoint():
    from tests.alerting import grafana_webhook

    note = parse(grafana_webhook(), "grafana")
    assert note.extra["title"].startswith("[FIRING:1] QwenLatencyHigh")
    [only] = note.alerts
    assert only.value.startswith("[ var='B'")
    assert only.extra["dashboard_url"] == "https://grafana.example/d/llm-latency"
    assert only.extra["values"] == {"B": 5.2, "C": 1}
    with pytest.raises(PayloadError, match="Alertmanager sends version 4"):
        parse(grafana_webhook(), "alertmanager")


def test_alerts_config_errors_name_file_line_and_key(tmp_path):
    path = tmp_path / "sre-bot.yml"
    path.write_text(
        "alerts:\n"
        "  routes:\n"
        "    - match: {team: llm}\n"
        "      declare_incident: sev9\n"
        "    - match_re: {mode: '(unclosed'}\n"
        "      mention: ['@alice']\n"
        "  alertmanager_url: alertmanager:9093\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert ":4: alerts.routes.0.declare_incident: unknown severity 'sev9'" in message
    assert ":5: alerts.routes.1.match_re: mode: not a valid regular expression" in message
    assert ":6: alerts.routes.1.mention: '@alice' is not a Slack user ID" in message
    assert ":7: alerts.alertmanager_url: 'alertmanager:9093' is not an http(s) URL" in message
