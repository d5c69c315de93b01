"""Alert messages built without a server: what a person reads in the channel and thread."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.slack.alerts import views
from commands.alerts.groups import GroupSnapshot
from commands.config import Config
from storage.models import Alert, AlertGroup

NOW = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
EN = Translator("en", ZoneInfo("Asia/Seoul"))
KO = Translator("ko", ZoneInfo("Asia/Seoul"))


def _group(**overrides) -> AlertGroup:
    values = {
        "id": 7,
        "source": "alertmanager",
        "group_key": "k",
        "group_key_hash": "h",
        "status": "firing",
        "group_labels": {"alertname": "HighErrorRate"},
        "common_labels": {"alertname": "HighErrorRate", "severity": "critical"},
        "common_annotations": {
            "summary": "High API Error Rate",
            "description": "5xx above <target>",
            "runbook": "api_high_error_rate",
            "dashboard": "https://grafana.example/d/api",
        },
        "channel": "#alerts",
        "severity": "Sev2",
        "first_seen_at": NOW - timedelta(minutes=5),
        "last_seen_at": NOW,
        "started_at": NOW - timedelta(minutes=5),
        "updated_at": NOW,
    }
    values.update(overrides)
    return AlertGroup(**values)


def _alert(instance: str, status: str = "firing", **overrides) -> Alert:
    values = {
        "group_id": 7,
        "fingerprint": instance,
        "status": status,
        "labels": {"alertname": "HighErrorRate", "severity": "critical", "instance": instance},
        "annotations": {"value": "2.5%", "threshold": "1%"},
        "value": "2.5%",
        "starts_at": NOW - timedelta(minutes=5),
        "generator_url": "http://prometheus:9090/graph?g0.expr=x",
        "first_seen_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Alert(**values)


def _snapshot(group: AlertGroup, firing: list[Alert], resolved: list[Alert] = ()) -> GroupSnapshot:
    return GroupSnapshot(group, list(firing), list(resolved), len(firing), len(resolved))


def _buttons(message: dict) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def test_a_firing_alert_reads_like_the_guides():
    message = views.parent_message(_snapshot(_group(), [_alert("api-1")]), Config(), EN, NOW)
    shown = json.dumps(message, ensure_ascii=False)
    assert message["blocks"][0]["text"]["text"] == "HighErrorRate"
    assert message["text"] == "[FIRING] HighErrorRate (Sev2) High API Error Rate"
    for expected in (
        "*High API Error Rate*",
        "> 5xx above &lt;target&gt;",  # escaped: no mention or link can hide in it
        "Firing for 5m",
        "2.5% (threshold 1%)",
        "1 firing · 0 resolved",
        "Runbook `api_high_error_rate`",
        "<https://grafana.example/d/api|Dashboard>",
        "<http://prometheus:9090/graph?g0.expr=x|Source>",
        "Since 2026-01-05 10:25 KST",
    ):
        assert expected in shown, expected
    assert _buttons(message) == ["alert_acknowledge", "alert_declare_incident"]


def test_silence_is_offered_only_with_an_alertmanager_url_for_alertmanager_groups():
    config = Config(alerts={"alertmanager_url": "http://alertmanager:9093"})
    firing = _snapshot(_group(), [_alert("a")])
    assert "alert_silence" in _buttons(views.parent_message(firing, config, EN, NOW))
    grafana = _snapshot(_group(source="grafana"), [_alert("a")])
    assert "alert_silence" not in _buttons(views.parent_message(grafana, config, EN, NOW))


def test_a_resolved_group_shows_how_long_it_lasted_and_no_ack_button():
    group = _group(status="resolved", resolved_at=NOW + timedelta(minutes=10))
    message = views.parent_message(
        _snapshot(group, [], [_alert("a", "resolved")]), Config(), EN, NOW
    )
    shown = json.dumps(message, ensure_ascii=False)
    assert message["blocks"][0]["text"]["text"] == "HighErrorRate (resolved)"
    assert "Resolved at 10:40 KST, after 15m" in shown
    assert _buttons(message) == ["alert_declare_incident"]


def test_acknowledged_linked_and_silenced_groups_say_so():
    group = _group(
        acknowledged_by="U0ALICE",
        acknowledged_at=NOW,
        incident_id="INC-20260105-103000",
        silenced_by="U0BOB",
        silenced_until=NOW + timedelta(hours=4),
    )
    message = views.parent_message(_snapshot(group, [_alert("a")]), Config(), EN, NOW)
    shown = json.dumps(message)
    assert "<@U0ALICE> at 10:30 KST" in shown
    assert "INC-20260105-103000" in shown
    assert "Silenced by <@U0BOB> until 2026-01-05 14:30 KST" in shown
    assert _buttons(message) == []


def test_many_alerts_are_listed_by_what_sets_them_apart_with_a_count_of_the_rest():
    firing = [_alert(f"api-{n}", value=f"{n}%") for n in range(14)]
    snapshot = GroupSnapshot(_group(), firing[:12], [], 40, 3)
    shown = json.dumps(views.parent_message(snapshot, Config(), EN, NOW), ensure_ascii=False)
    assert "`instance=api-0` — 0%" in shown and "`instance=api-9`" in shown
    assert "api-10" not in shown
    assert "… and 30 more" in shown
    assert "40 firing · 3 resolved" in shown


def test_mentions_become_slack_mentions():
    group = _group(mentions=["U0ONCALL", "S0TEAM", "here", "<!everyone>"])
    shown = json.dumps(views.parent_message(_snapshot(group, [_alert("a")]), Config(), EN, NOW))
    assert "cc <@U0ONCALL> <!subteam^S0TEAM> <!here>" in shown
    assert "everyone" not in shown


def test_links_that_could_break_out_of_slack_markup_are_dropped():
    group = _group(common_annotations={"runbook_url": "https://x.example/a|<!channel>"})
    shown = json.dumps(views.parent_message(_snapshot(group, [_alert("a")]), Config(), EN, NOW))
    assert "x.example" not in shown and "<!channel>" not in shown


def test_korean():
    message = views.parent_message(_snapshot(_group(), [_alert("a")]), Config(), KO, NOW)
    shown = json.dumps(message, ensure_ascii=False)
    assert "5분째 발생 중" in shown and "런북 `api_high_error_rate`" in shown
    assert "2.5% (임계값 1%)" in shown


def test_change_replies_say_what_changed():
    args = {
        "firing": [{"labels": {"instance": "api-2"}, "value": "7%"}],
        "firing_count": 1,
        "resolved": [{"labels": {"instance": "api-1"}, "value": None}],
        "resolved_count": 3,
        "transition": "",
    }
    text = views.change_reply(args, {}, EN)["text"]
    assert ":fire: 1 new alert(s) firing:\n• `instance=api-2` — 7%" in text
    assert "3 alert(s) resolved:\n• `instance=api-1`\n… and 2 more" in text
    done = views.change_reply(
        {"resolved_count": 1, "resolved": [], "transition": "resolved", "lasted_seconds": 3900},
        {},
        EN,
    )["text"]
    assert "All alerts resolved*, after 1h 5m." in done
    again = views.change_reply({"firing_count": 1, "transition": "firing_again"}, {}, KO)
    assert again["text"].startswith(":rotating_light: *다시 발생했습니다.*")


def test_event_replies():
    assert (
        "<@U0ALICE> acknowledged."
        in views.event_reply({"kind": "acknowledged", "who": "U0ALICE"}, EN)["text"]
    )
    linked = views.event_reply(
        {"kind": "incident", "who": "Alertmanager", "incident_id": "INC-1"}, EN
    )
    assert "Incident *INC-1* declared by Alertmanager" in linked["text"]
    silenced = views.event_reply(
        {"kind": "silenced", "who": "U0BOB", "silence_id": "abc", "until": NOW.isoformat()}, EN
    )
    assert "until 2026-01-05 10:30 KST (silence `abc`)" in silenced["text"]
    failed = views.event_reply({"kind": "silence_failed", "who": "U0BOB", "error": "<boom>"}, EN)
    assert "could not be created: &lt;boom&gt;" in failed["text"]


def test_the_silence_form_shows_the_matchers_and_durations():
    modal = views.silence_modal(EN, _group(), {"channel": "C1"})
    assert modal["callback_id"] == "alert_silence"
    assert json.loads(modal["private_metadata"]) == {"group_id": 7, "channel": "C1"}
    shown = json.dumps(modal)
    assert "`alertname=HighErrorRate`" in shown and "`severity=critical`" in shown
    select = next(b for b in modal["blocks"] if b.get("block_id") == "silence_hours")["element"]
    labels = [o["text"]["text"] for o in select["options"]]
    assert labels == ["1 hour(s)", "2 hour(s)", "4 hour(s)", "8 hour(s)", "1 day(s)", "3 day(s)"]


def test_run_runbook_is_offered_while_firing_for_the_first_runbook_that_applies():
    from dataclasses import replace

    firing = replace(_snapshot(_group(), [_alert("a")]), runbooks=["qwen_failure_downshift", "x"])
    message = views.parent_message(firing, Config(), EN, NOW)
    [run] = [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "runbook_run"
    ]
    assert run["text"]["text"] == "Run runbook: qwen_failure_downshift"
    assert json.loads(run["value"]) == {"runbook": "qwen_failure_downshift", "ref": "alert:7"}
    resolved = replace(
        _snapshot(_group(status="resolved", resolved_at=NOW), [], [_alert("a", "resolved")]),
        runbooks=["qwen_failure_downshift"],
    )
    assert "runbook_run" not in _buttons(views.parent_message(resolved, Config(), EN, NOW))
